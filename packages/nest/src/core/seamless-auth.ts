import { AccessTokenVerifier, type Principal } from './access-token-verifier';
import { authenticate, type AuthorizationField, type AuthResult } from './authenticate';
import { consoleLogger, type SeamlessLogger } from './logger';
import { RemoteJwks } from './remote-jwks';
import { RevokedSessions } from './revoked-sessions';

export interface SeamlessAuthOptions {
  /** The Seamless server's `JWT_ISSUER`: the `iss` of its tokens and, by default, where its keys are. */
  issuer: string;
  /** The `JWT_AUDIENCE` of the tokens meant for this service. */
  audience: string;
  /** Where the keys are, when not at `${issuer}/.well-known/jwks.json` (an internal address, say). */
  jwksUrl?: string;
  /**
   * The revoked-sessions feed, by default `${issuer}/.well-known/revoked-sessions`;
   * `false` turns revocation off (an ended session's tokens then pass until `exp`).
   */
  revokedSessionsUrl?: string | false;
  /** Least time between two key fetches asked for by unknown `kid`s (default 10 s). */
  jwksCooldownMs?: number;
  /** Time between two polls of the revoked-sessions feed (default 2 s). */
  revocationIntervalMs?: number;
  /** Verified tokens remembered until their `exp` (default 10,000). */
  cacheSize?: number;
  /** Default: `console`. */
  logger?: SeamlessLogger;
}

/** Everything a service needs to accept Seamless access tokens; see {@link createSeamlessAuth}. */
export interface SeamlessAuth {
  readonly verifier: AccessTokenVerifier;
  readonly keys: RemoteJwks;
  /** Undefined when revocation is turned off. */
  readonly revocations: RevokedSessions | undefined;
  /**
   * The principal of an `Authorization` header, or the 401 (400 for several headers) to
   * answer. Pass `authorizationOf(request)` to catch repeated headers.
   */
  authenticate(authorization: AuthorizationField): AuthResult | Promise<AuthResult>;
  /** {@link authenticate} as a promise. */
  authenticateAsync(authorization: AuthorizationField): Promise<AuthResult>;
  /** Stops the background fetches. */
  close(): void;
}

export type { Principal };

/**
 * Starts following a Seamless server: its keys (fetched now, in the background) and its
 * revoked sessions (polled), and returns what checks requests against them.
 *
 * ```ts
 * const auth = createSeamlessAuth({ issuer: 'https://auth.example.com', audience: 'orders' });
 * const result = await auth.authenticateAsync(authorizationOf(request));
 * if (!result.ok) { reply 401 with result.failure } else { use result.principal }
 * ```
 */
export function createSeamlessAuth(options: SeamlessAuthOptions): SeamlessAuth {
  const issuer = options.issuer.replace(/\/+$/, '');
  const logger = options.logger ?? consoleLogger;
  const keys = new RemoteJwks({
    url: options.jwksUrl ?? `${issuer}/.well-known/jwks.json`,
    cooldownMs: options.jwksCooldownMs,
    logger,
  });
  const feedUrl =
    options.revokedSessionsUrl === undefined
      ? `${issuer}/.well-known/revoked-sessions`
      : options.revokedSessionsUrl;
  const revocations =
    feedUrl === false
      ? undefined
      : new RevokedSessions({ url: feedUrl, intervalMs: options.revocationIntervalMs, logger });
  const verifier = new AccessTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    keys,
    isRevoked: revocations ? (sessionId) => revocations.isRevoked(sessionId) : undefined,
    cacheSize: options.cacheSize,
  });
  keys.start();
  revocations?.start();
  return {
    verifier,
    keys,
    revocations,
    authenticate: (authorization) => authenticate(verifier, authorization),
    authenticateAsync: async (authorization) => authenticate(verifier, authorization),
    close: () => {
      keys.close();
      revocations?.close();
    },
  };
}
