/**
 * `@seamless/nest`: a NestJS service accepts Seamless access tokens with one import.
 * The framework-free core (for express, fastify or `node:http`) is `@seamless/nest/core`.
 */
export { CurrentUser } from './nest/current-user.decorator';
export { IS_PUBLIC, Public } from './nest/public.decorator';
export { SeamlessGuard } from './nest/seamless.guard';
export {
  SeamlessModule,
  type SeamlessModuleAsyncOptions,
  type SeamlessModuleOptions,
} from './nest/seamless.module';
export { SEAMLESS_AUTH, SEAMLESS_OPTIONS } from './nest/tokens';
export type {
  AuthFailure,
  AuthResult,
  Principal,
  SeamlessAuth,
  SeamlessAuthOptions,
  SeamlessLogger,
} from './core';
