import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RevocationModule } from '../revocation/revocation.module';
import { AccessTokenGuard } from './access-token.guard';
import { AccessTokenService } from './access-token.service';

/**
 * Access tokens: signed here, and checked on every route that is not @Public() by the
 * global guard, from the token and the list of ended sessions alone (no database).
 */
@Module({
  imports: [RevocationModule],
  providers: [AccessTokenService, { provide: APP_GUARD, useClass: AccessTokenGuard }],
  exports: [AccessTokenService],
})
export class AccessTokensModule {}
