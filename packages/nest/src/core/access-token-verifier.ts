import { BoundedMap } from './bounded-map';
import type { KeySource, VerificationKey } from './keys';

/** Who a valid access token speaks for. */
export interface Principal {
  /** The user id, from the token's `sub`. */
  userId: number;
  username: string;
  /** The session the token belongs to (its `sid`). */
  sessionId: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** Why a token did not pass; never shown to a client, who sees one 401 for all of them. */
export type RejectReason =
  'malformed' | 'unknown_key' | 'signature' | 'claims' | 'expired' | 'not_yet_valid' | 'revoked';

export type Verdict = { ok: true; principal: Principal } | { ok: false; reason: RejectReason };

export interface AccessTokenVerifierOptions {
  /** The `iss` every token must carry. */
  issuer: string;
  /** The `aud` this service accepts (a token's `aud` may be this string or a list holding it). */
  audience: string;
  keys: KeySource;
  /**
   * Whether the session has ended; asked after the signature is verified and on every
   * cache hit, so an ended session's tokens stop passing at once.
   */
  isRevoked?: (sessionId: string) => boolean;
  /** Verified tokens remembered until their `exp` (default 10,000). */
  cacheSize?: number;
}

const MAX_TOKEN_LENGTH = 4096;
/** A token issued more than this far in the future comes from a broken clock or a forger. */
const MAX_FUTURE_IAT_SECONDS = 60;
const REJECTED_CACHE_SIZE = 1_000;
const REJECTED_TTL_MS = 60_000;
const HEADER_CACHE_SIZE = 64;
const DEFAULT_CACHE_SIZE = 10_000;
/** `sub` is the user id in decimal, without sign, leading zeros or exponent. */
const DECIMAL_ID = /^[1-9][0-9]{0,15}$/;

interface Header {
  kid: string;
  alg: string;
}

interface Parts {
  header: Header;
  /** `header.payload`, the text the signature covers. */
  signingInput: string;
  payload: string;
  signature: string;
}

const refused = (reason: RejectReason): Verdict => ({ ok: false, reason });

/**
 * The access-token checks of Seamless, in one place for the server's own guard and for
 * every service that verifies its tokens:
 *
 * - three segments, each canonical base64url (decoding and encoding again gives the
 *   same text), so one token has one spelling;
 * - header `typ` `at+jwt`, no `crit`; the key named by `kid` decides the algorithm, and
 *   the header's `alg` must be that one (`none` or HMAC never get a say);
 * - `iss`, `aud`, `exp` (no leeway), `iat` at most 60 s ahead, `nbf` if present;
 * - `sub` (a decimal user id), `sid`, `jti`, `username`; a `userId` claim must equal `sub`.
 *
 * Answers are remembered: a verified token until its `exp` (bounded, oldest out first),
 * a rejected one for a minute, so a repeated token costs a map lookup.
 */
export class AccessTokenVerifier {
  private readonly verified: BoundedMap<Principal>;
  private readonly rejected = new BoundedMap<{ until: number; reason: RejectReason }>(
    REJECTED_CACHE_SIZE,
  );
  private readonly headers = new BoundedMap<Header | null>(HEADER_CACHE_SIZE);

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.verified = new BoundedMap(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  /**
   * What is already known about a token: its principal while it is valid, `null` when
   * it was rejected recently (or has expired, or its session ended since), `undefined`
   * when it has to be checked.
   */
  lookup(token: string): Principal | null | undefined {
    const known = this.known(token);
    return known === undefined ? undefined : known.ok ? known.principal : null;
  }

  private known(token: string): Verdict | undefined {
    const hit = this.verified.get(token);
    if (hit !== undefined) {
      if (hit.exp * 1000 <= Date.now()) {
        this.verified.delete(token);
        return this.remember(token, refused('expired'));
      }
      if (this.options.isRevoked?.(hit.sessionId) === true) {
        this.verified.delete(token);
        return this.remember(token, refused('revoked'));
      }
      return { ok: true, principal: hit };
    }
    const answer = this.rejected.get(token);
    if (answer !== undefined) {
      if (answer.until > Date.now()) {
        return refused(answer.reason);
      }
      this.rejected.delete(token);
    }
    return undefined;
  }

  /**
   * Checks a token: synchronously when its key is at hand (the usual case), through a
   * promise when the key source has to fetch keys first.
   */
  check(token: string): Verdict | Promise<Verdict> {
    const known = this.known(token);
    if (known !== undefined) {
      return known;
    }
    const parts = this.split(token);
    if (!parts) {
      return this.remember(token, refused('malformed'));
    }
    const key = this.options.keys.key(parts.header.kid);
    if (key) {
      return this.remember(token, this.checkWith(key, parts));
    }
    const refreshing = this.options.keys.refreshFor?.(parts.header.kid);
    if (!refreshing) {
      return refused('unknown_key');
    }
    return refreshing.then(
      () => this.afterRefresh(token, parts),
      () => this.afterRefresh(token, parts),
    );
  }

  /** {@link check} as a promise. */
  async verify(token: string): Promise<Verdict> {
    return this.check(token);
  }

  private afterRefresh(token: string, parts: Parts): Verdict {
    const key = this.options.keys.key(parts.header.kid);
    return key ? this.remember(token, this.checkWith(key, parts)) : refused('unknown_key');
  }

  /** Three canonical segments and a header that names a key; undefined for anything else. */
  private split(token: string): Parts | undefined {
    if (token.length > MAX_TOKEN_LENGTH) {
      return undefined;
    }
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || token.indexOf('.', second + 1) !== -1) {
      return undefined;
    }
    const header = this.header(token.slice(0, first));
    if (!header) {
      return undefined;
    }
    return {
      header,
      signingInput: token.slice(0, second),
      payload: token.slice(first + 1, second),
      signature: token.slice(second + 1),
    };
  }

  /** A parsed header, remembered by its text: a service sees one header per signing key. */
  private header(segment: string): Header | null {
    const known = this.headers.get(segment);
    if (known !== undefined) {
      return known;
    }
    const header = parseHeader(segment);
    this.headers.set(segment, header);
    return header;
  }

  private checkWith(key: VerificationKey, parts: Parts): Verdict {
    // The key decides the algorithm: a header naming another one is refused.
    if (parts.header.alg !== key.alg) {
      return refused('signature');
    }
    const signature = decodeCanonical(parts.signature);
    if (!signature || !verifySignature(key, parts.signingInput, signature)) {
      return refused('signature');
    }
    const payload = decodeCanonical(parts.payload);
    const claims = payload ? parseObject(payload.toString('utf8')) : undefined;
    if (!claims) {
      return refused('malformed');
    }
    const verdict = this.checkClaims(claims);
    if (verdict.ok && this.options.isRevoked?.(verdict.principal.sessionId) === true) {
      return refused('revoked');
    }
    return verdict;
  }

  private checkClaims(claims: Record<string, unknown>): Verdict {
    const { iss, aud, sub, userId, username, sid, jti, iat, exp, nbf } = claims;
    if (iss !== this.options.issuer || !hasAudience(aud, this.options.audience)) {
      return refused('claims');
    }
    if (
      typeof sub !== 'string' ||
      !DECIMAL_ID.test(sub) ||
      typeof username !== 'string' ||
      typeof sid !== 'string' ||
      sid === '' ||
      typeof jti !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      !Number.isFinite(iat) ||
      !Number.isFinite(exp)
    ) {
      return refused('claims');
    }
    const id = Number(sub);
    // The tutorial's `userId` claim stays for its clients, but `sub` is what counts.
    if (!Number.isSafeInteger(id) || (userId !== undefined && userId !== id)) {
      return refused('claims');
    }
    const now = Math.floor(Date.now() / 1000);
    if (exp <= now) {
      return refused('expired');
    }
    if (iat > now + MAX_FUTURE_IAT_SECONDS) {
      return refused('not_yet_valid');
    }
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) {
      return refused('not_yet_valid');
    }
    return { ok: true, principal: { userId: id, username, sessionId: sid, exp } };
  }

  /** Remembers an answer that will not change: every outcome but a missing key or a future token. */
  private remember(token: string, verdict: Verdict): Verdict {
    if (verdict.ok) {
      this.verified.set(token, verdict.principal);
    } else if (verdict.reason !== 'unknown_key' && verdict.reason !== 'not_yet_valid') {
      this.rejected.set(token, { until: Date.now() + REJECTED_TTL_MS, reason: verdict.reason });
    }
    return verdict;
  }
}

function verifySignature(key: VerificationKey, signingInput: string, signature: Buffer): boolean {
  try {
    // Canonical base64url segments are ASCII, so latin1 gives their exact bytes.
    return key.verify(Buffer.from(signingInput, 'latin1'), signature);
  } catch {
    return false;
  }
}

/**
 * The bytes of a base64url segment, or undefined unless encoding them again gives the
 * same text: no padding, no characters outside the alphabet (which Node's decoder would
 * skip), no stray bits in the last character.
 */
export function decodeCanonical(segment: string): Buffer | undefined {
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

function parseHeader(segment: string): Header | null {
  const bytes = decodeCanonical(segment);
  const header = bytes ? parseObject(bytes.toString('utf8')) : undefined;
  if (!header) {
    return null;
  }
  const { kid, alg, typ, crit } = header;
  // No extension is understood here, so a header that makes one critical is refused (RFC 7515 §4.1.11).
  if (typeof kid !== 'string' || typeof alg !== 'string' || crit !== undefined) {
    return null;
  }
  if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== 'at+jwt') {
    return null;
  }
  return { kid, alg };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function hasAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}
