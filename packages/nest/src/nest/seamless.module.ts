import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  createSeamlessAuth,
  type SeamlessAuth,
  type SeamlessAuthOptions,
} from '../core/seamless-auth';
import { SeamlessGuard } from './seamless.guard';
import { SEAMLESS_AUTH, SEAMLESS_OPTIONS } from './tokens';

export interface SeamlessModuleOptions extends SeamlessAuthOptions {
  /** Register {@link SeamlessGuard} for every route (default true); false to apply it yourself. */
  globalGuard?: boolean;
}

export interface SeamlessModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (
    ...args: never[]
  ) =>
    | Omit<SeamlessModuleOptions, 'globalGuard'>
    | Promise<Omit<SeamlessModuleOptions, 'globalGuard'>>;
  /** As {@link SeamlessModuleOptions.globalGuard}; decided here, since providers are fixed before the factory runs. */
  globalGuard?: boolean;
}

const authProvider: Provider = {
  provide: SEAMLESS_AUTH,
  inject: [SEAMLESS_OPTIONS],
  useFactory: (options: SeamlessAuthOptions): SeamlessAuth =>
    createSeamlessAuth({ logger: new Logger('Seamless'), ...options }),
};

/**
 * Accepts Seamless access tokens in a NestJS service:
 *
 * ```ts
 * @Module({ imports: [SeamlessModule.forRoot({ issuer: 'https://auth.example.com', audience: 'orders' })] })
 * export class AppModule {}
 * ```
 *
 * Every route is guarded; @Public() opens one; @CurrentUser() gives `{ userId, username, sessionId, exp }`.
 */
@Global()
@Module({})
export class SeamlessModule implements OnApplicationShutdown {
  constructor(@Inject(SEAMLESS_AUTH) private readonly auth: SeamlessAuth) {}

  static forRoot(options: SeamlessModuleOptions): DynamicModule {
    return SeamlessModule.create(
      [{ provide: SEAMLESS_OPTIONS, useValue: options }],
      options.globalGuard,
    );
  }

  static forRootAsync(options: SeamlessModuleAsyncOptions): DynamicModule {
    return {
      ...SeamlessModule.create(
        [
          {
            provide: SEAMLESS_OPTIONS,
            inject: options.inject ?? [],
            useFactory: options.useFactory,
          },
        ],
        options.globalGuard,
      ),
      imports: options.imports ?? [],
    };
  }

  private static create(providers: Provider[], globalGuard = true): DynamicModule {
    return {
      module: SeamlessModule,
      providers: [
        ...providers,
        authProvider,
        SeamlessGuard,
        ...(globalGuard ? [{ provide: APP_GUARD, useExisting: SeamlessGuard }] : []),
      ],
      exports: [SEAMLESS_AUTH, SeamlessGuard],
    };
  }

  onApplicationShutdown(): void {
    this.auth.close();
  }
}
