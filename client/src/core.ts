import type { TabChannel, WriteReason } from './channel.js';
import { Emitter } from './emitter.js';
import { blamesToken } from './endpoints.js';
import { isHttpError, isSessionExpiredError } from './errors/guards.js';
import { SeamlessError } from './errors/seamless-error.js';
import { SessionExpiredError } from './errors/session-expired-error.js';
import type { AuthApi } from './http.js';
import type { TabLock } from './lock.js';
import { parseStored, sameGeneration, serializeStored, type Stored } from './record.js';
import { decodeJwtPayload } from './jwt.js';
import { refreshExpiry, retryDelay, tokenTimes } from './schedule.js';
import { sleep } from './sleep.js';
import { createTabSync, type TokensMessage } from './sync.js';
import type {
  AuthClient,
  AuthEvents,
  ChangeSource,
  ResponseInfo,
  TokenPair,
  TokenStore,
} from './types.js';

/** Everything the core needs from its surroundings, so that it runs anywhere. */
export interface AuthPlatform {
  store: TokenStore;
  /** The storage key under which the pair is kept (as one JSON value, so tabs never read half a pair). */
  key: string;
  api: AuthApi;
  /** Serializes refreshes across tabs (or just within this one). */
  lock: TabLock;
  /** Tells other tabs about token changes; null when tabs are not synced. */
  channel: TabChannel | null;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** This tab's id in channel messages. */
  id: string;
  /** Seconds before expiry to refresh proactively; undefined for min(60, lifetime / 5). */
  refreshMargin?: number | undefined;
  /** Whether a request to `url` gets the token; default: every URL. */
  sendsTokenTo?: ((url: string) => boolean) | undefined;
  /** Whether a failed response calls for a refresh; default: a 401 saying `invalid_token`. */
  shouldRefresh?: ((response: ResponseInfo) => boolean) | undefined;
  /**
   * Milliseconds after a refresh's first attempt during which an attempt whose outcome is
   * unknown is retried; keep it (plus one attempt's timeout) inside the server's reuse grace.
   */
  retryWindow: number;
  /**
   * The server may hold a session that this tab has no record of (cookie mode: the
   * refresh token is an httpOnly cookie). On start, one refresh asks it before any
   * method answers; a refusal just means signed out.
   */
  restore?: boolean | undefined;
}

const noop = (): void => undefined;

/** How long a tab that waited for the lock waits for the previous holder's news. */
const HANDOFF_MS = 1000;

/** A rejected refresh token (400 malformed, 401 invalid/expired/revoked/reused) ends the session. */
function endsSession(error: unknown): boolean {
  return isHttpError(error) && (error.status === 400 || error.status === 401);
}

/** `promise`, or the signal's reason as soon as it aborts (the work itself goes on for others). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(signal.reason as Error);
    if (signal.aborted) {
      abort();
    }
    signal.addEventListener('abort', abort);
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** No answer, or a gateway's: the server may have rotated the token without our knowing. */
function outcomeUnknown(error: unknown): boolean {
  return !isHttpError(error) || error.status === 502 || error.status === 504;
}

/**
 * The refresh logic with its platform passed in: storage, lock, channel, clock and the
 * server calls. `createAuthClient` wires the browser's; tests and other runtimes may
 * wire their own.
 *
 * @example
 * ```ts
 * const auth = createAuthCore({
 *   store: memoryStore(), key: 'app.tokens', lock: tabLocalLock, channel: null,
 *   api: createHttpApi({ baseURL, fetch, timeout: 3000 }), now: Date.now, id: 'worker',
 *   retryWindow: 6000,
 * });
 * ```
 */
export function createAuthCore(platform: AuthPlatform): AuthClient {
  const { store, key, api, lock, channel, now, id } = platform;
  const events = new Emitter();
  let inflight: Promise<TokenPair> | null = null;
  // Session-end bookkeeping: one sessionExpired per session, one error shared by its waiters.
  let endNotified = false;
  let lastExpired: SessionExpiredError | null = null;
  let lastAnnouncedRefresh: string | null = null;
  // What this tab knows, whatever the store does: the last record it read or wrote, and
  // one it wrote that the store refused (full disk, private mode), which stays the truth
  // until this tab or another writes something newer.
  let known: Stored | null = null;
  let unsaved: { stored: Stored | null; at: number } | null = null;
  // When this tab's last write was a refresh (0 after a sign-in, sign-out or set).
  let refreshedAt = 0;
  // Read-compare-write steps of this tab, one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const result = queue.then(step);
    queue = result.catch(noop);
    return result;
  };

  // A store of this tab alone (memory) shows nothing of other tabs: what they announce
  // is the truth until this tab writes.
  const sync = createTabSync(channel, id, now, store.sharedAcrossTabs === false, (message) => {
    void onNews(message);
  });

  const read = async (): Promise<Stored | null> => {
    let stored: Stored | null;
    try {
      stored = parseStored(await store.get(key));
    } catch {
      return known;
    }
    if (unsaved && unsaved.at > (stored?.savedAt ?? -Infinity)) {
      stored = unsaved.stored;
    }
    return (known = sync.newest(stored));
  };

  // Counts tokens events, so that a new listener's initial state never follows a newer one.
  let changes = 0;
  // Until a restore has settled, the app hears nothing: the initial state tells it all.
  let restoring = !!platform.restore;
  const changed = (pair: TokenPair | null, reason: WriteReason, source: ChangeSource): void => {
    changes += 1;
    if (pair) {
      // A session again: its end will be news.
      endNotified = false;
      lastExpired = null;
    }
    if (!restoring) {
      events.emit('tokens', pair, { reason, source });
    }
  };

  /** Stores `pair` (null: clears) and tells the other tabs; no event. */
  const save = async (pair: TokenPair | null, reason: WriteReason): Promise<void> => {
    const at = now();
    const stored = pair && { pair, savedAt: at };
    const record = stored && serializeStored(stored);
    known = stored;
    refreshedAt = reason === 'refresh' ? at : 0;
    sync.forget();
    try {
      await (record === null ? store.remove(key) : store.set(key, record));
      unsaved = null;
    } catch (error) {
      // Never lose a pair to the store: a rotated refresh token that is dropped here
      // would be presented again later, and the server would take that for theft.
      unsaved = { stored, at };
      events.emit(
        'refreshError',
        new SeamlessError('Could not store the tokens', { cause: error }),
        false,
      );
    }
    sync.announce(reason, record, at);
  };

  const write = async (pair: TokenPair | null, reason: WriteReason): Promise<void> => {
    await save(pair, reason);
    changed(pair, reason, 'self');
  };

  const announceRefresh = (pair: TokenPair, source: 'self' | 'other-tab'): void => {
    if (lastAnnouncedRefresh !== pair.access_token) {
      lastAnnouncedRefresh = pair.access_token;
      events.emit('refresh', pair, source);
    }
  };

  const endSession = (error: SessionExpiredError): SessionExpiredError => {
    lastExpired = error;
    if (!endNotified) {
      endNotified = true;
      events.emit('sessionExpired', error);
    }
    return error;
  };

  // A sign-out is not an expiry: later requests fail with this error, silently.
  const signedOut = (): void => {
    endNotified = true;
    lastExpired = new SessionExpiredError('Signed out');
  };

  // Without a session there is nothing to announce: only a session that ends does.
  const noSession = (): SessionExpiredError =>
    lastExpired ?? new SessionExpiredError('Not signed in');

  /**
   * Refreshes `expected` (undefined: the record stored now; null: none, which restores a
   * session that only the server knows of), or adopts what another tab refreshed.
   */
  const runRefresh = async (expected?: Stored | null): Promise<TokenPair> => {
    const before = expected === undefined ? await read() : expected;
    if (!before && expected !== null) {
      throw noSession();
    }
    return lock.run(async (contended) => {
      // Re-read inside the lock: another tab may have refreshed while we waited, and
      // presenting its rotated token again would look like theft to the server.
      let current = await read();
      const deadline = now() + HANDOFF_MS;
      while (contended && sameGeneration(current, before) && now() < deadline) {
        // We waited for a holder whose news has not reached this tab yet.
        await sync.nextNews(deadline - now());
        current = await read();
      }
      if (!sameGeneration(current, before)) {
        if (!current) {
          throw noSession();
        }
        announceRefresh(current.pair, 'other-tab');
        return current.pair;
      }
      // Without a record to compare, any change made meanwhile is what wins.
      const mark = changes;
      events.emit('refreshStart');
      let outcome: { pair: TokenPair } | { error: unknown } = { error: null };
      const started = now();
      for (let failures = 1; ; failures++) {
        try {
          outcome = { pair: await api.refresh(current?.pair ?? null) };
          break;
        } catch (error) {
          outcome = { error };
          // Presenting the same token again inside the server's grace is safe: a rotated
          // token gets the session's current one. After the grace it would be theft.
          const delay = retryDelay(failures, now() - started, platform.retryWindow);
          if (!outcomeUnknown(error) || delay === null) {
            break;
          }
          await sleep(delay);
        }
      }
      return serial(async () => {
        // Write only over what was refreshed: a sign-in or sign-out (here or in another
        // tab) that happened meanwhile wins, and the answer is dropped.
        const latest = await read();
        if (!sameGeneration(latest, current) || (!current && changes !== mark)) {
          if (!latest) {
            throw noSession();
          }
          return latest.pair;
        }
        if ('pair' in outcome) {
          // A restored session reaches the app as its initial state, not as a change.
          await (current ? write : save)(outcome.pair, 'refresh');
          announceRefresh(outcome.pair, 'self');
          return outcome.pair;
        }
        const { error } = outcome;
        if (!endsSession(error)) {
          events.emit('refreshError', error, false);
          throw error;
        }
        if (!current) {
          // Nothing to restore: signed out, which is no news.
          throw noSession();
        }
        await write(null, 'expired');
        events.emit('refreshError', error, true);
        throw endSession(
          new SessionExpiredError('Session expired', {
            cause: error,
            status: isHttpError(error) ? error.status : undefined,
          }),
        );
      });
    });
  };

  const refreshFrom = (expected?: Stored | null): Promise<TokenPair> => {
    inflight ??= runRefresh(expected).finally(() => {
      inflight = null;
    });
    return inflight;
  };

  const onNews = async (message: TokensMessage): Promise<void> => {
    if (unsaved && message.at > unsaved.at) {
      unsaved = null;
    }
    const { reason } = message;
    let pair: TokenPair | null;
    if (reason !== 'refresh' && message.at <= refreshedAt) {
      // A sign-in or sign-out that another tab made just before this tab's refresh landed,
      // without seeing it: the deliberate change wins, in storage and for every tab.
      pair = parseStored(message.record)?.pair ?? null;
      await serial(() => save(pair, reason));
    } else {
      pair = (await read())?.pair ?? null;
    }
    changed(pair, reason, 'other-tab');
    if (reason === 'refresh' && pair) {
      announceRefresh(pair, 'other-tab');
    } else if (reason === 'expired' && !pair) {
      endSession(new SessionExpiredError());
    } else if (reason === 'logout' && !pair) {
      signedOut();
    }
  };

  const accessToken = async (): Promise<string | null> => {
    await ready;
    // Requests made during a refresh wait for it instead of racing it with a stale token.
    let failure: { error: unknown } | null = null;
    if (inflight) {
      try {
        await inflight;
      } catch (error) {
        if (isSessionExpiredError(error)) {
          throw error;
        }
        failure = { error };
      }
    }
    const stored = await read();
    if (!stored) {
      return null;
    }
    const times = tokenTimes(stored, platform.refreshMargin);
    if (failure) {
      // The refresh we waited for failed retryably: go on only with a token known to work.
      if (times !== null && now() < times.expiresAt) {
        return stored.pair.access_token;
      }
      throw failure.error;
    }
    if (times === null || now() < times.refreshAt) {
      return stored.pair.access_token;
    }
    try {
      return (await refreshFrom(stored)).access_token;
    } catch (error) {
      // A retryable failure before expiry costs nothing: the old token still works.
      if (isSessionExpiredError(error) || now() >= times.expiresAt) {
        throw error;
      }
      return stored.pair.access_token;
    }
  };

  const renew = async (rejectedToken: string): Promise<string> => {
    await ready;
    if (inflight) {
      await inflight;
    }
    const current = await read();
    if (!current) {
      throw noSession();
    }
    // Sent with a token that has been replaced since: replay, do not refresh again.
    if (current.pair.access_token !== rejectedToken) {
      return current.pair.access_token;
    }
    return (await refreshFrom(current)).access_token;
  };

  // Settles once the tab knows whether the server holds a session for it; never rejects.
  const restored = (): void => {
    restoring = false;
  };
  const ready = restoring && refreshFrom(null).then(restored, restored);
  /** What is stored, once the tab knows. */
  const settled = async (): Promise<Stored | null> => {
    await ready;
    return read();
  };

  const client: AuthClient = {
    async login(username, password) {
      const pair = await api.login(username, password);
      await serial(() => write(pair, 'login'));
      return pair;
    },

    async logout() {
      // Signed out here first, so that a refresh under way loses; then the server ends the
      // session with its refresh token (rotated or not, the server accepts it): never a
      // refresh just to sign out.
      const current = await settled();
      await serial(() => write(null, 'logout'));
      signedOut();
      if (current) {
        await api.logout(current.pair).catch(noop);
      }
    },

    async getTokens() {
      return (await settled())?.pair ?? null;
    },

    async isAuthenticated() {
      const stored = await settled();
      return stored !== null && !(now() >= (refreshExpiry(stored) ?? Infinity));
    },

    async getSession() {
      const stored = await settled();
      return (
        stored && {
          tokens: stored.pair,
          claims: decodeJwtPayload(stored.pair.access_token) ?? {},
          expiresAt: tokenTimes(stored)?.expiresAt ?? null,
          refreshExpiresAt: refreshExpiry(stored),
        }
      );
    },

    async setTokens(pair) {
      await serial(() => write(pair, 'set'));
    },

    getAccessToken(options) {
      return abortable(accessToken(), options?.signal);
    },

    refresh() {
      return refreshFrom();
    },

    renewAfterUnauthorized(rejectedToken, options) {
      return abortable(renew(rejectedToken), options?.signal);
    },

    sendsTokenTo: platform.sendsTokenTo ?? (() => true),
    shouldRefresh: platform.shouldRefresh ?? blamesToken,

    on(event, listener) {
      const off = events.on(event, listener);
      if (event === 'tokens') {
        // The state at this moment (or once restored), to this listener alone, unless a
        // change beats it.
        const before = restoring ? -1 : changes;
        void settled().then((stored) => {
          if ((before < 0 || changes === before) && events.has(event, listener)) {
            events.call(listener as AuthEvents['tokens'], stored?.pair ?? null, {
              reason: 'initial',
              source: 'self',
            });
          }
        });
      }
      return off;
    },

    close() {
      sync.close();
      events.clear();
    },
  };
  return client;
}
