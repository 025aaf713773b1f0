import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { REVOCATION_MARGIN_MS, RevocationList } from './revocation-list';
import { RevocationsRepository } from './revocations.repository';

/**
 * Each poll reads again what ended this long before the previous one started: a
 * revocation committed late by another instance (its `ended_at` is when its
 * transaction began), or stamped by a clock a little behind ours, is still seen.
 */
const POLL_OVERLAP_MS = 5_000;
/** A poll that has not answered after this long means the database is away. */
const POLL_TIMEOUT_MS = 2_000;
/** How long start-up waits for Redis before answering without it (the poll covers meanwhile). */
const REDIS_START_WAIT_MS = 2_000;
const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
/** Records are deleted this long after no token can need them, in case TTLs differ during a rollout. */
const RECORD_RETENTION_MARGIN_MS = 60 * 60 * 1000;

/** What /health says about revocations. */
export interface RevocationHealth {
  revocations: 'current' | 'late' | 'off';
  unreachable?: ('redis' | 'database')[];
}

/** The revoked-sessions feed's answer. */
export interface RevokedSessions {
  revoked: string[];
  until: number;
}

interface Announcement {
  ids: string[];
  endedAt: number;
}

function isAnnouncement(value: unknown): value is Announcement {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { ids, endedAt } = value as Partial<Announcement>;
  return (
    typeof endedAt === 'number' &&
    Number.isFinite(endedAt) &&
    Array.isArray(ids) &&
    ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64)
  );
}

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
function within(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

/**
 * Keeps this instance's {@link RevocationList} complete:
 *
 * - at start, before the first request, every session ended within the last
 *   `ACCESS_TOKEN_TTL`, from the database;
 * - sessions ended here, at once ({@link announce});
 * - sessions ended on other instances, pushed through Redis when `REDIS_URL` is set
 *   (milliseconds), and pulled from the database every `REVOCATION_POLL_INTERVAL`
 *   (one indexed query per instance, whatever the traffic) in any case, which also
 *   covers whatever a Redis outage made this instance miss.
 *
 * While Redis or the database is away the guard answers from what the list holds;
 * the log says so once per outage and /health reports it.
 */
@Injectable()
export class RevocationSync implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Revocations');
  private readonly ttlMs: number;
  private readonly keepMs: number;
  private readonly channel: string;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** When the last successful read of the database started. */
  private readAt = 0;
  private pollingSince: number | undefined;
  private databaseDown = false;
  private readonly redisDown = { publisher: false, subscriber: false };
  private redisReported = false;
  private stopped = false;

  constructor(
    private readonly list: RevocationList,
    private readonly records: RevocationsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.ttlMs = config.accessTokenTtl * 1000;
    this.keepMs = this.ttlMs + REVOCATION_MARGIN_MS;
    this.channel = `${config.redisKeyPrefix}revoked-sessions`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.revocationCheck) {
      this.logger.warn(
        'REVOCATION_CHECK=false: access tokens of ended sessions are accepted until they expire',
      );
      return;
    }
    if (this.config.redisUrl) {
      await this.connectRedis(this.config.redisUrl);
    }
    // Subscribed first, then loaded: nothing ended in between can be missed. A failure
    // here stops the start-up: an instance must not answer without knowing what ended.
    const startedAt = Date.now();
    for (const { sessionId, endedAt } of await this.records.endedSince(startedAt - this.keepMs)) {
      this.list.add(sessionId, endedAt, startedAt);
    }
    this.readAt = startedAt;

    const poll = setInterval(() => this.poll(), this.config.revocationPollInterval * 1000);
    const housekeeping = setInterval(() => {
      this.records
        .deleteEndedBefore(Date.now() - this.keepMs - RECORD_RETENTION_MARGIN_MS)
        .catch(() => undefined);
    }, HOUSEKEEPING_INTERVAL_MS);
    this.timers = [poll, housekeeping];
    this.timers.forEach((timer) => timer.unref());
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.timers.forEach((timer) => clearInterval(timer));
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }

  /**
   * Sessions that just ended on this instance: refused here from now on, and pushed
   * to the others when Redis is there (if the push fails, their next poll finds them).
   */
  async announce(ids: string[], endedAt: number): Promise<void> {
    if (!this.config.revocationCheck || ids.length === 0) {
      return;
    }
    for (const id of ids) {
      this.list.add(id, endedAt);
    }
    if (this.publisher) {
      await this.publisher
        .publish(this.channel, JSON.stringify({ ids, endedAt } satisfies Announcement))
        .catch(() => undefined);
    }
  }

  /**
   * The sessions that ended at or after `since` and within the last ACCESS_TOKEN_TTL.
   * `until` is when the database was last read: all that ended before it (less a
   * few seconds for late commits, which the follower's overlap covers) is listed.
   */
  async revokedSince(since: number | undefined): Promise<RevokedSessions> {
    const now = Date.now();
    const from = Math.max(since ?? 0, now - this.ttlMs);
    if (!this.config.revocationCheck) {
      const rows = await this.records.endedSince(from);
      return { revoked: [...new Set(rows.map((row) => row.sessionId))], until: now };
    }
    return { revoked: this.list.endedSince(from), until: this.readAt };
  }

  health(): RevocationHealth {
    if (!this.config.revocationCheck) {
      return { revocations: 'off' };
    }
    const unreachable: ('redis' | 'database')[] = [];
    if (this.redisDown.publisher || this.redisDown.subscriber) {
      unreachable.push('redis');
    }
    if (this.databaseDown || this.pollOverdue(Date.now())) {
      unreachable.push('database');
    }
    return unreachable.length === 0
      ? { revocations: 'current' }
      : { revocations: 'late', unreachable };
  }

  /** One read of what ended since the last one; never two at once, so a hung database holds one connection. */
  private poll(): void {
    const startedAt = Date.now();
    this.list.prune(startedAt);
    if (this.pollingSince !== undefined) {
      if (this.pollOverdue(startedAt)) {
        this.markDatabase(false);
      }
      return;
    }
    this.pollingSince = startedAt;
    const from = Math.max(this.readAt - POLL_OVERLAP_MS, startedAt - this.keepMs);
    this.records
      .endedSince(from)
      .then(
        (rows) => {
          for (const { sessionId, endedAt } of rows) {
            this.list.add(sessionId, endedAt, startedAt);
          }
          this.readAt = startedAt;
          this.markDatabase(true);
        },
        () => this.markDatabase(false),
      )
      .finally(() => {
        this.pollingSince = undefined;
      });
  }

  private pollOverdue(now: number): boolean {
    return this.pollingSince !== undefined && now - this.pollingSince > POLL_TIMEOUT_MS;
  }

  private async connectRedis(url: string): Promise<void> {
    const common = {
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
    // Publishing fails at once while disconnected instead of queueing behind a request.
    const publisher = new Redis(url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
    });
    // The subscriber subscribes again itself on every (re)connection.
    const subscriber = new Redis(url, { ...common, autoResubscribe: false });
    this.publisher = publisher;
    this.subscriber = subscriber;

    publisher.on('ready', () => this.markRedis('publisher', true));
    publisher.on('error', () => this.markRedis('publisher', false));
    publisher.on('close', () => this.markRedis('publisher', false));
    let subscribed: () => void = () => undefined;
    const firstSubscription = new Promise<void>((resolve) => (subscribed = resolve));
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => {
          this.markRedis('subscriber', true);
          subscribed();
        },
        () => this.markRedis('subscriber', false),
      );
    });
    subscriber.on('error', () => this.markRedis('subscriber', false));
    subscriber.on('close', () => this.markRedis('subscriber', false));
    subscriber.on('message', (_channel: string, message: string) => this.receive(message));

    const publisherReady = new Promise<void>((resolve) => publisher.once('ready', resolve));
    await within(Promise.all([firstSubscription, publisherReady]), REDIS_START_WAIT_MS);
  }

  private receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (!isAnnouncement(parsed)) {
      return;
    }
    for (const id of parsed.ids) {
      this.list.add(id, parsed.endedAt);
    }
  }

  private markRedis(connection: 'publisher' | 'subscriber', up: boolean): void {
    if (this.stopped) {
      return;
    }
    this.redisDown[connection] = !up;
    const down = this.redisDown.publisher || this.redisDown.subscriber;
    if (down && !this.redisReported) {
      this.logger.warn(
        'Redis unreachable: revocations from other instances may be late until it returns (they still arrive through the database poll)',
      );
    } else if (!down && this.redisReported) {
      this.logger.log('Redis is back: revocations are pushed again');
    }
    this.redisReported = down;
  }

  private markDatabase(up: boolean): void {
    if (this.stopped) {
      return;
    }
    if (!up && !this.databaseDown) {
      this.logger.warn(
        'Database unreachable: revocations from other instances may be late until it returns',
      );
    } else if (up && this.databaseDown) {
      this.logger.log('Database is back: revocations are current again');
    }
    this.databaseDown = !up;
  }
}
