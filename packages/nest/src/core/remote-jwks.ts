import { keyFromJwk, type KeySource, type VerificationKey } from './keys';
import { consoleLogger, describeFailure, type SeamlessLogger } from './logger';

export interface RemoteJwksOptions {
  /** The issuer's JWKS, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  url: string;
  /**
   * Least time between two fetches that tokens with an unknown `kid` ask for (default
   * 10 s): a key rotation is picked up on the first token of the new key, and a flood of
   * forged `kid`s costs the issuer at most one request per cooldown.
   */
  cooldownMs?: number;
  /** How long fetched keys are used before they are fetched again in the background (default: the response's `Cache-Control: max-age`, else 300 s). */
  maxAgeMs?: number;
  /** A fetch that takes longer is abandoned (default 5 s). */
  timeoutMs?: number;
  logger?: SeamlessLogger;
}

const DEFAULT_COOLDOWN_MS = 10_000;
const DEFAULT_MAX_AGE_MS = 300_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 500;
const MAX_AGE_LIMIT_MS = 24 * 60 * 60 * 1000;

/**
 * The issuer's public keys, fetched from its JWKS and kept in memory:
 *
 * - fetched at start without holding the service up; while none have arrived, every
 *   token is simply not verified (a 401, never a 500), and the fetch is retried with a
 *   backoff up to the cooldown;
 * - fetched again in the background when they are older than `max-age`; a failed
 *   refetch keeps the keys already known, so an issuer outage does not stop verification;
 * - fetched again when a token names an unknown `kid`, at most once per cooldown, and
 *   never two fetches at a time.
 *
 * An outage is logged once when it starts and once when it ends.
 */
export class RemoteJwks implements KeySource {
  private keys = new Map<string, VerificationKey>();
  private loaded = false;
  private inFlight: Promise<void> | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly waiters: (() => void)[] = [];
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly logger: SeamlessLogger;

  constructor(private readonly options: RemoteJwksOptions) {
    this.cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = options.logger ?? consoleLogger;
  }

  /** Starts fetching the keys (once; later calls do nothing). */
  start(): void {
    if (this.lastAttemptAt === Number.NEGATIVE_INFINITY && !this.closed) {
      void this.fetchKeys();
    }
  }

  key(kid: string): VerificationKey | undefined {
    return this.keys.get(kid);
  }

  refreshFor(): Promise<void> | undefined {
    if (this.closed) {
      return undefined;
    }
    if (this.inFlight) {
      return this.inFlight;
    }
    if (Date.now() - this.lastAttemptAt < this.cooldownMs) {
      return undefined;
    }
    return this.fetchKeys();
  }

  /** Whether keys have arrived. */
  get ready(): boolean {
    return this.loaded;
  }

  /** Resolves once keys have arrived (at once if they have). */
  whenReady(): Promise<void> {
    return this.loaded || this.closed
      ? Promise.resolve()
      : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The `kid`s currently known. */
  kids(): string[] {
    return [...this.keys.keys()];
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.waiters.splice(0).forEach((resolve) => resolve());
  }

  private fetchKeys(): Promise<void> {
    this.lastAttemptAt = Date.now();
    clearTimeout(this.timer);
    this.inFlight = this.download().then(
      ({ keys, maxAgeMs }) => {
        const recovered = this.failures > 0;
        this.keys = keys;
        this.failures = 0;
        if (!this.loaded || recovered) {
          this.logger.log(`verifying with ${keys.size} signing key(s) from ${this.options.url}`);
        }
        this.loaded = true;
        this.waiters.splice(0).forEach((resolve) => resolve());
        this.schedule(this.options.maxAgeMs ?? maxAgeMs ?? DEFAULT_MAX_AGE_MS);
      },
      (error: unknown) => {
        this.failures += 1;
        if (this.failures === 1) {
          this.logger.warn(
            this.loaded
              ? `cannot fetch ${this.options.url} (${describeFailure(error)}): keeps verifying with the keys it has`
              : `cannot fetch ${this.options.url} (${describeFailure(error)}): every request gets 401 until the signing keys arrive`,
          );
        }
        this.schedule(Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), this.cooldownMs));
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.closed) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetchKeys(), delayMs);
    this.timer.unref();
  }

  private async download(): Promise<{
    keys: Map<string, VerificationKey>;
    maxAgeMs: number | undefined;
  }> {
    const response = await fetch(this.options.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    const body: unknown = await response.json();
    const list =
      typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys)
        ? (body as { keys: unknown[] }).keys
        : undefined;
    if (!list) {
      throw new Error('not a JWK set');
    }
    const keys = new Map<string, VerificationKey>();
    for (const jwk of list) {
      const key = keyFromJwk(jwk);
      if (key && !keys.has(key.kid)) {
        keys.set(key.kid, key);
      }
    }
    if (keys.size === 0) {
      throw new Error('no usable signing key in the JWK set');
    }
    return { keys, maxAgeMs: maxAgeOf(response.headers.get('cache-control')) };
  }
}

/** `max-age` of a Cache-Control header, in milliseconds, within [1 s, 24 h]. */
function maxAgeOf(cacheControl: string | null): number | undefined {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '');
  if (!match) {
    return undefined;
  }
  return Math.min(Math.max(Number(match[1]) * 1000, 1000), MAX_AGE_LIMIT_MS);
}
