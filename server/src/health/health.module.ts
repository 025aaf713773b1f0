import { Module } from '@nestjs/common';
import { RevocationModule } from '../revocation/revocation.module';
import { HealthController } from './health.controller';

/** GET /health: whether the database answers, and whether revocations are current. */
@Module({
  imports: [RevocationModule],
  controllers: [HealthController],
})
export class HealthModule {}
