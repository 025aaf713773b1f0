import { consoleLogger, describeFailure, type SeamlessLogger } from './logger';

export interface RevokedSessionsOptions {
  /** The issuer's feed, e.g. `https://auth.example.com/.well-known/revoked-sessions`. */
  url: string;
  /** Time between two polls (default 2 s): how long an ended session's tokens may still pass here. */
  intervalMs?: number;
  /** A poll is abandoned after this long (default 5 s). */
  timeoutMs?: number;
  logger?: SeamlessLogger;
}

const DEFAULT_INTERVAL_MS = 2_000;
const DEFAULT_TIMEOUT_MS = 5_000;
/** The feed answers `until` by the issuer's clock; the next poll overlaps by this much. */
const OVERLAP_MS = 5_000;
/**
 * Every so often the whole window is read instead of what changed, and replaces what is
 * held: ids the issuer no longer lists (their tokens have expired) are forgotten.
 */
const FULL_READ_EVERY_MS = 60_000;
/** An issuer without the feed is asked this many times less often (it may be upgraded). */
const MISSING_FEED_SLOWDOWN = 30;

export type FeedState = 'starting' | 'following' | 'unreachable' | 'missing';

/**
 * Follows the issuer's revoked-sessions feed: the ids of sessions that ended within the
 * last access-token lifetime, polled every couple of seconds, so that a revoked session's
 * tokens stop passing here within seconds rather than at their `exp`.
 *
 * When the feed cannot be read, what is already known stays known and polling goes on;
 * the outage is logged once when it starts and once when it ends.
 */
export class RevokedSessions {
  private revoked = new Set<string>();
  private since: number | undefined;
  private lastFullReadAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;
  private polls: (() => void)[] = [];
  private current: FeedState = 'starting';
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly logger: SeamlessLogger;

  constructor(private readonly options: RevokedSessionsOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = options.logger ?? consoleLogger;
  }

  /** Starts polling (once; later calls do nothing). */
  start(): void {
    if (!this.started && !this.closed) {
      this.started = true;
      void this.poll();
    }
  }

  /** Whether the session has ended, as far as the feed has said. */
  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  get state(): FeedState {
    return this.current;
  }

  /** Resolves after the next poll has finished, whatever its outcome. */
  nextPoll(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.polls.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.polls.splice(0).forEach((resolve) => resolve());
  }

  private async poll(): Promise<void> {
    let next = this.intervalMs;
    try {
      const full =
        this.since === undefined || Date.now() - this.lastFullReadAt >= FULL_READ_EVERY_MS;
      const url = new URL(this.options.url);
      if (!full) {
        url.searchParams.set('since', String(this.since));
      }
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      if (response.status === 404) {
        await response.body?.cancel();
        this.enter(
          'missing',
          `${this.options.url} answers 404: the issuer publishes no revoked sessions, so an ended session's tokens pass here until they expire`,
        );
        next = this.intervalMs * MISSING_FEED_SLOWDOWN;
        return;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const { revoked, until } = parseFeed(await response.json());
      if (full) {
        this.revoked = new Set(revoked);
        this.lastFullReadAt = Date.now();
      } else {
        revoked.forEach((id) => this.revoked.add(id));
      }
      this.since = Math.max(0, until - OVERLAP_MS);
      this.enter('following', `following revoked sessions at ${this.options.url}`);
    } catch (error) {
      // Start again from the whole window: whatever went wrong, a full read cannot be refused for its since.
      this.since = undefined;
      this.enter(
        'unreachable',
        `cannot read ${this.options.url} (${describeFailure(error)}): sessions ended from now on pass here until the feed is back`,
      );
    } finally {
      this.polls.splice(0).forEach((resolve) => resolve());
      if (!this.closed) {
        this.timer = setTimeout(() => void this.poll(), next);
        this.timer.unref();
      }
    }
  }

  /** Logs a change of state once, not every poll. */
  private enter(state: FeedState, message: string): void {
    if (state === this.current) {
      return;
    }
    const wasStarting = this.current === 'starting';
    this.current = state;
    if (state === 'following') {
      if (!wasStarting) {
        this.logger.log(message);
      }
    } else {
      this.logger.warn(message);
    }
  }
}

function parseFeed(body: unknown): { revoked: string[]; until: number } {
  if (typeof body === 'object' && body !== null) {
    const { revoked, until } = body as { revoked?: unknown; until?: unknown };
    if (
      Array.isArray(revoked) &&
      revoked.every((id): id is string => typeof id === 'string') &&
      typeof until === 'number' &&
      Number.isSafeInteger(until)
    ) {
      return { revoked, until };
    }
  }
  throw new Error('not a revoked-sessions answer');
}
