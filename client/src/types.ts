import type { SessionExpiredError } from './errors/session-expired-error.js';
import type { TabChannel } from './channel.js';
import type { AccessClaims } from './jwt.js';

export type { AccessClaims };

/** What `POST /user/login` and `POST /user/refresh` return. */
export interface TokenPair {
  access_token: string;
  /** Absent in cookie mode: the refresh token is then an httpOnly cookie no script can read. */
  refresh_token?: string | undefined;
  token_type?: string | undefined;
  /** Seconds until the access token expires. */
  expires_in?: number | undefined;
  /** Seconds until the refresh token expires. */
  refresh_expires_in?: number | undefined;
}

/**
 * Where tokens are kept. Any of the three methods may be async (IndexedDB, a native
 * bridge). A store that several tabs see (like `localStorage`) lets the tabs share one
 * session; set `sharedAcrossTabs: false` for one that each tab has for itself.
 */
export interface TokenStore {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
  /** Whether other tabs see this store's writes; cross-tab sync is off when false. */
  readonly sharedAcrossTabs?: boolean | undefined;
}

/** What `shouldRefresh` sees of a failed response: a fetch `Response` fits. */
export interface ResponseInfo {
  status: number;
  headers: { get(name: string): string | null };
}

/** Options of a call that may wait for a refresh. */
export interface WaitOptions {
  /** Stops waiting (rejecting with the signal's reason) when it aborts. */
  signal?: AbortSignal | undefined;
}

/** Where a change of tokens came from. */
export type ChangeSource = 'self' | 'other-tab';

/**
 * Why the tokens changed: a sign-in, a refresh, `setTokens`, a sign-out, the server
 * ending the session, or (only to a new subscriber) the state when it subscribed.
 */
export type TokensReason = 'initial' | 'login' | 'refresh' | 'set' | 'logout' | 'expired';

/** What the `tokens` event says about a change. */
export interface TokensChange {
  reason: TokensReason;
  source: ChangeSource;
}

/** The signed-in session as an app shows it; see `getSession()`. */
export interface Session {
  tokens: TokenPair;
  /** The access token's claims (`sub`, `username`, `sid`…); empty when it is not a JWT. */
  claims: AccessClaims;
  /** When the access token runs out, by this device's clock (ms since the epoch); null when unknown. */
  expiresAt: number | null;
  /** When the refresh token runs out unless used, by this device's clock; null when unknown. */
  refreshExpiresAt: number | null;
}

/** The events an {@link AuthClient} emits; subscribe with `client.on(name, listener)`. */
export interface AuthEvents {
  /**
   * The tokens changed, here or in another tab, and why. A new listener is also called
   * once, at once, with the current tokens and reason `'initial'`.
   */
  tokens: (tokens: TokenPair | null, change: TokensChange) => void;
  /** This tab starts a refresh call to the server. */
  refreshStart: () => void;
  /** A refresh succeeded: this tab's call, or another tab's whose tokens this tab adopted. */
  refresh: (tokens: TokenPair, source: ChangeSource) => void;
  /** A refresh call failed; `fatal` is true when the session ended with it. */
  refreshError: (error: unknown, fatal: boolean) => void;
  /** The session ended (refresh rejected here or in another tab). Fires once per session end. */
  sessionExpired: (error: SessionExpiredError) => void;
}

/** Options of {@link createAuthClient}; every one has a default. */
export interface AuthClientOptions {
  /** Where `/user/login`, `/user/refresh` and `/user/logout` live; default `''` (same origin). */
  baseURL?: string | undefined;
  /**
   * Where the refresh token lives. `'storage'` (default): in `storage`, with the access
   * token. `'cookie'`: in an httpOnly cookie that the server sets and no script can read;
   * the access token is then kept in this tab's memory only (`storage` is not used), and
   * a new page restores the session with one refresh before answering anything.
   */
  refreshToken?: 'storage' | 'cookie' | undefined;
  /** Token storage; default `localStorageStore()`, or `memoryStore()` where there is no `localStorage`. */
  storage?: TokenStore | undefined;
  /** Prefix of the storage key, lock name and channel name; default `'seamless'`. */
  storageKey?: string | undefined;
  /**
   * Seconds before the access token's expiry at which the next request refreshes first;
   * default `min(60, lifetime / 5)`, never more than half the token's lifetime.
   */
  refreshMargin?: number | undefined;
  /**
   * Share one refresh and sign-out between the tabs of this origin (Web Locks, with a
   * BroadcastChannel / storage-event fallback). Default true, unless the store says
   * `sharedAcrossTabs: false` (as `memoryStore()` does).
   */
  crossTab?: boolean | undefined;
  /**
   * How tabs talk to each other; default a `BroadcastChannel` named `<storageKey>:sync`.
   * Where there is none (Safari before 15.4), `storageEventTabChannel('seamless.sync')`
   * from `@seamless/client/core` carries the messages as localStorage writes instead
   * (not in cookie mode, where it would put the access token in localStorage).
   */
  channel?: TabChannel | undefined;
  /** The `fetch` used for the login, refresh and logout calls; default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /**
   * Milliseconds one refresh attempt may take before it is abandoned (and retried, see
   * `refreshRetryWindow`); default 3000. See the README: keep
   * `refreshRetryWindow + refreshTimeout` below the server's `REFRESH_REUSE_GRACE`.
   */
  refreshTimeout?: number | undefined;
  /**
   * Milliseconds after a refresh's first attempt during which an attempt whose outcome is
   * unknown (timed out, connection lost, answer cut short) is retried at once, then with
   * a short backoff; default 6000. 0 turns the retries off.
   */
  refreshRetryWindow?: number | undefined;
  /**
   * Milliseconds to wait for another tab's refresh (the cross-tab lock) before giving
   * up (retryably, tokens kept); default `refreshRetryWindow + refreshTimeout + 1000`.
   */
  lockTimeout?: number | undefined;
  /**
   * Origins besides this page's and `baseURL`'s that get the access token (and whose
   * 401s refresh it), e.g. `['https://api.example.test']`. Requests anywhere else are
   * sent untouched.
   */
  origins?: string[] | undefined;
  /**
   * Whether a failed response to a request that carried the token means the token must
   * be refreshed (then the request is replayed once). Default: a 401 whose
   * `WWW-Authenticate` says `error="invalid_token"`, as the Seamless server sends; a
   * 401 that refuses for another reason is returned as is.
   */
  shouldRefresh?: ((response: ResponseInfo) => boolean) | undefined;
  /** Called once when the session ends; same as `client.on('sessionExpired', …)`. */
  onSessionExpired?: ((error: SessionExpiredError) => void) | undefined;
}

/** A signed-in session's tokens and the one place that refreshes them. */
export interface AuthClient {
  /**
   * Signs in with `POST /user/login`, stores the pair and tells the other tabs.
   * Rejects with an `HttpError` (401 wrong credentials, 429 rate limited).
   *
   * @example
   * ```ts
   * await auth.login('guang', '123456');
   * ```
   */
  login(username: string, password: string): Promise<TokenPair>;
  /**
   * Revokes the session on the server (best effort), clears the tokens and signs out
   * every tab of this origin. Never rejects.
   *
   * @example
   * ```ts
   * await auth.logout();
   * ```
   */
  logout(): Promise<void>;
  /**
   * The stored tokens, or null when signed out.
   *
   * @example
   * ```ts
   * const signedIn = (await auth.getTokens()) !== null;
   * ```
   */
  getTokens(): Promise<TokenPair | null>;
  /**
   * Replaces the stored tokens (null clears them) and tells the other tabs, e.g. after a
   * sign-in made elsewhere.
   *
   * @example
   * ```ts
   * await auth.setTokens(pairFromSso);
   * ```
   */
  setTokens(pair: TokenPair | null): Promise<void>;
  /**
   * The access token to send now, or null when signed out. Waits for a refresh in
   * flight, and refreshes first when the token expires within the margin.
   * Rejects with `SessionExpiredError` when that refresh ends the session, and with the
   * signal's reason when `signal` aborts the wait (the refresh goes on for the others).
   *
   * @example
   * ```ts
   * const token = await auth.getAccessToken();
   * const ws = new WebSocket(`wss://example.test/live?token=${token ?? ''}`);
   * ```
   */
  getAccessToken(options?: WaitOptions): Promise<string | null>;
  /**
   * Whether there is a session to use: tokens are stored and the refresh token has not
   * run out (the server may still have ended it; the next refresh will tell).
   *
   * @example
   * ```ts
   * if (!(await auth.isAuthenticated())) showSignIn();
   * ```
   */
  isAuthenticated(): Promise<boolean>;
  /**
   * The stored session with the access token's claims and both expiries by this device's
   * clock (so a wrong clock does not matter), or null when signed out.
   *
   * @example
   * ```ts
   * const session = await auth.getSession();
   * greet(session?.claims.username);
   * ```
   */
  getSession(): Promise<Session | null>;
  /**
   * Refreshes now. Single-flight: concurrent callers in this tab share one call, and
   * across tabs one tab refreshes while the others adopt its tokens.
   * Rejects with `SessionExpiredError` when the server rejects the refresh token
   * (tokens cleared), or with the underlying error (tokens kept) when it is retryable.
   *
   * @example
   * ```ts
   * const { access_token } = await auth.refresh();
   * ```
   */
  refresh(): Promise<TokenPair>;
  /**
   * For adapters: the token to replay a request with after `rejectedToken` got a 401.
   * Returns the current token when it has already been replaced (no refresh), otherwise
   * refreshes (single-flight) and returns the new one.
   *
   * @example
   * ```ts
   * if (response.status === 401 && sent) token = await auth.renewAfterUnauthorized(sent);
   * ```
   */
  renewAfterUnauthorized(rejectedToken: string, options?: WaitOptions): Promise<string>;
  /**
   * For adapters: whether a request to `url` gets the access token (the API's own
   * origins only: this page's, `baseURL`'s and those in `origins`).
   *
   * @example
   * ```ts
   * if (auth.sendsTokenTo(request.url)) headers.set('Authorization', `Bearer ${token}`);
   * ```
   */
  sendsTokenTo(url: string): boolean;
  /**
   * For adapters: whether this failed response (to a request that carried the token)
   * calls for a refresh and one replay; see the `shouldRefresh` option.
   *
   * @example
   * ```ts
   * if (!response.ok && auth.shouldRefresh(response)) token = await auth.renewAfterUnauthorized(token);
   * ```
   */
  shouldRefresh(response: ResponseInfo): boolean;
  /**
   * Subscribes to an event; returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const off = auth.on('sessionExpired', () => showLogin('Session expired'));
   * ```
   */
  on<E extends keyof AuthEvents>(event: E, listener: AuthEvents[E]): () => void;
  /**
   * Stops listening to other tabs and drops every listener (for tests, hot reload).
   *
   * @example
   * ```ts
   * auth.close();
   * ```
   */
  close(): void;
}
