import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_LOGGER } from './logger';
import { SecurityEvents } from './security-events';

/** The application's pino logger and the security events written through it, for every module. */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: APP_LOGGER, useValue: logger }, SecurityEvents],
      exports: [APP_LOGGER, SecurityEvents],
    };
  }
}
