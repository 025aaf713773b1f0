import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RevocationModule } from '../revocation/revocation.module';
import { SessionHousekeeping } from './session-housekeeping';
import { Session } from './session.entity';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * Signed-in devices: rotation of their refresh tokens, every way a session ends (each
 * announced to the revocation list), the routes that list and revoke them, and the
 * guard that asks whether a token's session still stands.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Session]), RevocationModule],
  controllers: [SessionsController],
  providers: [SessionsService, SessionsRepository, SessionHousekeeping],
  exports: [SessionsService],
})
export class SessionsModule {}
