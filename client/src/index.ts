// `@seamless/client`: what an app needs. The axios adapter is on `@seamless/client/axios`
// (so that an app without axios type-checks), the building blocks on `@seamless/client/core`.
export type {
  AuthClient,
  AuthClientOptions,
  AccessClaims,
  AuthEvents,
  ChangeSource,
  ResponseInfo,
  Session,
  TokenPair,
  TokensChange,
  TokensReason,
  TokenStore,
  WaitOptions,
} from './types.js';
export { createAuthClient } from './client.js';
export { createFetch } from './fetch.js';
export { localStorageStore, memoryStore } from './storage.js';
export { SeamlessError } from './errors/seamless-error.js';
export { SessionExpiredError } from './errors/session-expired-error.js';
export { HttpError } from './errors/http-error.js';
export { TimeoutError } from './errors/timeout-error.js';
export {
  isSeamlessError,
  isSessionExpiredError,
  isHttpError,
  isTimeoutError,
} from './errors/guards.js';
