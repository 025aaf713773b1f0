import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AccessTokensModule } from './access-tokens/access-tokens.module';
import { AuthModule } from './auth/auth.module';
import { HttpErrorFilter } from './common/http/http-error.filter';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { createLogger } from './logging/logger';
import { LoggingModule } from './logging/logging.module';
import { RevocationModule } from './revocation/revocation.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

/**
 * The whole service, one module per folder. Each depends only on those listed before
 * it: configuration, logs, the database and the keys underneath; revocation, then
 * access tokens (the guarded path: no database); sessions; users (whose changes end
 * sessions); auth, whose routes issue and take back tokens; health and the demo routes.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger = createLogger(config.logLevel)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule.forRoot(config),
        KeysModule,
        RevocationModule,
        AccessTokensModule,
        SessionsModule,
        UsersModule,
        AuthModule,
        HealthModule,
        DemoModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
