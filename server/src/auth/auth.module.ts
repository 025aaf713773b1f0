import { Module } from '@nestjs/common';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiter } from './login-limiter';
import { RefreshCookie } from './refresh-cookie';

/**
 * The /user routes that issue and take back tokens: login (behind its rate limits),
 * refresh, registration, password change and logout, in the body or cookie mode.
 */
@Module({
  imports: [UsersModule, SessionsModule, AccessTokensModule],
  controllers: [AuthController],
  providers: [AuthService, LoginLimiter, RefreshCookie],
  exports: [RefreshCookie],
})
export class AuthModule {}
