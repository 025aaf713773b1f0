import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { AccessTokenGuard } from './access-tokens/access-token.guard';
import { AccessTokenService } from './access-tokens/access-token.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { LoginLimiter } from './auth/login-limiter';
import { RefreshCookie } from './auth/refresh-cookie';
import { HttpErrorFilter } from './common/http/http-error.filter';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { DemoController } from './demo/demo.controller';
import { HealthController } from './health/health.controller';
import { KeysModule } from './keys/keys.module';
import { APP_LOGGER, createLogger } from './logging/logger';
import { SecurityEvents } from './logging/security-events';
import { RevocationModule } from './revocation/revocation.module';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { PasswordHasher } from './users/password-hasher';
import { PasswordPolicy } from './users/password-policy';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger = createLogger(config.logLevel)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config.database),
          // Start fast and say why when the database is not there, rather than retrying for half a minute.
          retryAttempts: config.production ? 10 : 2,
          retryDelay: 1000,
        }),
        KeysModule,
        RevocationModule,
      ],
      controllers: [DemoController, AuthController, SessionsController, HealthController],
      providers: [
        AccessTokenService,
        AuthService,
        LoginLimiter,
        PasswordHasher,
        PasswordPolicy,
        RefreshCookie,
        SessionsRepository,
        SessionsService,
        UsersRepository,
        UsersService,
        SecurityEvents,
        { provide: APP_LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
