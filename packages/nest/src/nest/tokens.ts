/** Injection token of the module's {@link SeamlessAuth}. */
export const SEAMLESS_AUTH = Symbol('SEAMLESS_AUTH');
/** Injection token of the options given to `forRoot` / returned by `forRootAsync`'s factory. */
export const SEAMLESS_OPTIONS = Symbol('SEAMLESS_OPTIONS');
