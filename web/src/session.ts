/**
 * What the page knows about the sign-in state, fed only by the auth client's events:
 * the current token pair, when its refresh token runs out, and why the last session
 * ended.
 */
import type { TokenPair } from '@seamless/client';
import { auth } from './demo.ts';
import { fingerprint } from './jwt.ts';

export interface SessionState {
  /** `undefined` while the stored tokens are being read at start. */
  readonly tokens: TokenPair | null | undefined;
  /** When the refresh token expires (ms since epoch), from `refresh_expires_in` when it was received. */
  readonly refreshExpiresAt: number | null;
  /** Why the last session ended, shown under "Session expired"; null while signed in. */
  readonly ended: string | null;
}

/** Kept in localStorage so that a reload, or another tab, knows when the refresh token expires. */
const EXPIRY_KEY = 'seamless-demo:refresh-expiry';

interface StoredExpiry {
  readonly token: string;
  readonly expiresAt: number;
}

function readStoredExpiry(refreshToken: string): number | null {
  try {
    const stored = JSON.parse(localStorage.getItem(EXPIRY_KEY) ?? 'null') as StoredExpiry | null;
    return stored && stored.token === fingerprint(refreshToken) ? stored.expiresAt : null;
  } catch {
    return null;
  }
}

function storeExpiry(refreshToken: string, expiresAt: number): void {
  const value: StoredExpiry = { token: fingerprint(refreshToken), expiresAt };
  localStorage.setItem(EXPIRY_KEY, JSON.stringify(value));
}

let state: SessionState = { tokens: undefined, refreshExpiresAt: null, ended: null };
const listeners = new Set<() => void>();
/** Set just before this tab signs out on purpose, to say why in the banner. */
let pendingReason: string | null = null;

function commit(patch: Partial<SessionState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) {
    listener();
  }
}

function refreshExpiryOf(pair: TokenPair): number | null {
  const known = state.tokens?.refresh_token === pair.refresh_token ? state.refreshExpiresAt : null;
  if (known !== null) {
    return known;
  }
  const stored = readStoredExpiry(pair.refresh_token);
  if (stored !== null) {
    return stored;
  }
  if (pair.refresh_expires_in === undefined) {
    return null;
  }
  // A pair we have not seen before was received just now (here or in another tab).
  const expiresAt = Date.now() + pair.refresh_expires_in * 1000;
  storeExpiry(pair.refresh_token, expiresAt);
  return expiresAt;
}

auth.on('tokens', (pair, source) => {
  if (pair) {
    pendingReason = null;
    commit({ tokens: pair, refreshExpiresAt: refreshExpiryOf(pair), ended: null });
    return;
  }
  if (!state.tokens) {
    commit({ tokens: null });
    return;
  }
  const reason =
    pendingReason ??
    (source === 'other-tab'
      ? 'The session was ended in another tab (signed out there, or its refresh was refused).'
      : 'The session has ended.');
  pendingReason = null;
  commit({ tokens: null, refreshExpiresAt: null, ended: state.ended ?? reason });
});

auth.on('sessionExpired', () => {
  commit({
    tokens: null,
    refreshExpiresAt: null,
    ended: 'The server refused the refresh token (expired, revoked or reused). Sign in again.',
  });
});

void auth.getTokens().then(
  (pair) => {
    if (state.tokens === undefined) {
      commit({ tokens: pair, refreshExpiresAt: pair ? refreshExpiryOf(pair) : null });
    }
  },
  () => commit({ tokens: null }),
);

/** Subscribes to changes (for `useSyncExternalStore`). */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current sign-in state. */
export function getSessionState(): SessionState {
  return state;
}

/** Signs this tab (and every other tab) out, remembering why for the banner. */
export async function signOut(reason: string): Promise<void> {
  pendingReason = reason;
  try {
    await auth.logout();
  } finally {
    if (state.tokens) {
      // The client signs out even when the server call fails; make sure the page follows.
      commit({ tokens: null, refreshExpiresAt: null, ended: reason });
    }
    pendingReason = null;
  }
}

/** Replaces the stored access token (used to spoil it), keeping the refresh token. */
export async function replaceAccessToken(accessToken: string): Promise<void> {
  const pair = await auth.getTokens();
  if (pair) {
    await auth.setTokens({ ...pair, access_token: accessToken });
  }
}
