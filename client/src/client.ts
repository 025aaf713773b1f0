import { broadcastTabChannel } from './channel.js';
import { createAuthCore } from './core.js';
import { originOf } from './endpoints.js';
import { createHttpApi } from './http.js';
import { messageLock, tabLocalLock, webLocksLock } from './lock.js';
import { hasLocalStorage, localStorageStore, memoryStore } from './storage.js';
import type { AuthClient, AuthClientOptions } from './types.js';

/**
 * Creates the client that keeps a session's tokens and refreshes them: once per expiry,
 * however many requests or tabs need a token at that moment. Add it to an axios instance
 * with `attachAxios`, or wrap `fetch` with `createFetch`.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({
 *   baseURL: 'https://api.example.test',
 *   onSessionExpired: () => showLogin('Session expired'),
 * });
 * await auth.login('guang', '123456');
 * ```
 */
export function createAuthClient(options: AuthClientOptions = {}): AuthClient {
  // Cookie mode: nothing a script can read holds a token longer than this page lives.
  const cookie = options.refreshToken === 'cookie';
  const storage = cookie
    ? memoryStore()
    : (options.storage ?? (hasLocalStorage() ? localStorageStore() : memoryStore()));
  const prefix = options.storageKey ?? 'seamless';
  const crossTab = options.crossTab ?? (cookie || storage.sharedAcrossTabs !== false);
  // Both well inside the server's default 10 s reuse grace: an attempt whose answer is
  // lost is retried, and a retry must reach the server while the grace still covers it.
  const refreshTimeout = options.refreshTimeout ?? 3000;
  const retryWindow = options.refreshRetryWindow ?? 6000;
  // The longest a holder keeps the lock (its attempts, the last one's timeout) plus slack.
  const lockTimeout = options.lockTimeout ?? retryWindow + refreshTimeout + 1000;
  const id = Math.random().toString(36).slice(2);
  const now = (): number => Date.now();

  const channel = crossTab ? (options.channel ?? broadcastTabChannel(`${prefix}:sync`)) : null;
  const lock = crossTab
    ? (webLocksLock(`${prefix}:refresh`, lockTimeout) ??
      (channel ? messageLock(channel, { id, timeout: lockTimeout, now }) : tabLocalLock))
    : tabLocalLock;

  const baseURL = options.baseURL ?? '';
  // The token goes to the API's own origins only (this page's, baseURL's, those listed),
  // never to a third party. Where nothing resolves a relative URL (Node), it means null.
  const own = new Set(['/', baseURL || '/', ...(options.origins ?? [])].map(originOf));

  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const client = createAuthCore({
    store: storage,
    key: `${prefix}.tokens`,
    api: createHttpApi({
      baseURL,
      fetch: fetchImpl,
      timeout: refreshTimeout,
      cookie,
    }),
    lock,
    channel,
    now,
    id,
    refreshMargin: options.refreshMargin,
    retryWindow,
    sendsTokenTo: (url) => own.has(originOf(url)),
    shouldRefresh: options.shouldRefresh,
    restore: cookie,
  });
  if (options.onSessionExpired) {
    client.on('sessionExpired', options.onSessionExpired);
  }
  return client;
}
