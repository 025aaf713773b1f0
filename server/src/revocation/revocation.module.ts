import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RevocationList } from './revocation-list';
import { RevocationSync } from './revocation-sync';
import { RevocationsRepository } from './revocations.repository';
import { RevokedSessionsController } from './revoked-sessions.controller';
import { SessionRevocation } from './session-revocation.entity';

/**
 * Ended sessions refused at once on every instance: the list the guard consults, how
 * it is kept complete, and the feed other services poll.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SessionRevocation])],
  controllers: [RevokedSessionsController],
  providers: [RevocationList, RevocationSync, RevocationsRepository],
  exports: [RevocationList, RevocationSync],
})
export class RevocationModule {}
