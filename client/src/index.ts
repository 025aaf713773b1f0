export type {
  AuthClient,
  AuthClientOptions,
  AuthEvents,
  ChangeSource,
  TokenPair,
  TokenStore,
} from './types.js';
export { createAuthClient } from './client.js';
export { createAuthCore, type AuthPlatform } from './core.js';
export { createHttpApi, type AuthApi } from './http.js';
export { localStorageStore, memoryStore } from './storage.js';
export { tabLocalLock, webLocksLock, messageLock, type TabLock } from './lock.js';
export {
  broadcastTabChannel,
  storageEventTabChannel,
  type TabChannel,
  type TabMessage,
} from './channel.js';
export { decodeJwtPayload, type AccessClaims } from './jwt.js';
export { attachAxios, type SeamlessRequestOptions } from './axios.js';
export { createFetch } from './fetch.js';
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
