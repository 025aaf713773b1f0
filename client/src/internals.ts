// `@seamless/client/core`: the parts `createAuthClient` is made of, for wiring the core
// to another platform (a worker, a native bridge, another server's API) or testing it.
export { createAuthCore, type AuthPlatform } from './core.js';
export { createHttpApi, type AuthApi } from './http.js';
export { tabLocalLock, webLocksLock, messageLock, type TabLock } from './lock.js';
export {
  broadcastTabChannel,
  storageEventTabChannel,
  type TabChannel,
  type TabMessage,
  type WriteReason,
} from './channel.js';
export { decodeJwtPayload, type AccessClaims } from './jwt.js';
export { tokenTimes, refreshExpiry, retryDelay, type TokenTimes } from './schedule.js';
export { parseStored, sameGeneration, serializeStored, type Stored } from './record.js';
