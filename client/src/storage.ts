import type { TokenStore } from './types.js';

/**
 * Keeps tokens in `localStorage`, as the original tutorial does: every tab of the
 * origin sees them, so tabs share one session. The default store in browsers.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ storage: localStorageStore() });
 * ```
 */
export function localStorageStore(): TokenStore {
  // Looked up on each call: some browsers throw on merely touching localStorage when
  // storage is disabled, and that must not break importing the library.
  return {
    get: (key) => globalThis.localStorage.getItem(key),
    set: (key, value) => globalThis.localStorage.setItem(key, value),
    remove: (key) => globalThis.localStorage.removeItem(key),
    sharedAcrossTabs: true,
  };
}

/**
 * Keeps tokens in a Map inside this page (or Node process): gone on reload, invisible to
 * other tabs and to scripts reading `localStorage`. Cross-tab sync is off with it unless
 * `crossTab: true` is passed.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ storage: memoryStore(), baseURL: 'http://127.0.0.1:3000' });
 * ```
 */
export function memoryStore(): TokenStore {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => {
      values.set(key, value);
    },
    remove: (key) => {
      values.delete(key);
    },
    sharedAcrossTabs: false,
  };
}

/** Whether `localStorage` exists and can be used (not in Node, not when blocked). */
export function hasLocalStorage(): boolean {
  try {
    return typeof globalThis.localStorage?.getItem === 'function';
  } catch {
    return false;
  }
}
