import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * Clocks of different instances disagree a little, and an access token can be signed
 * a moment after its session ended (a refresh racing the revocation): an entry is kept
 * this much longer than the longest-lived token it could concern.
 */
export const REVOCATION_MARGIN_MS = 60_000;

/**
 * The sessions this instance knows to have ended, each kept until every access token
 * of it has expired (`ended at + ACCESS_TOKEN_TTL`, plus a margin), so the list is
 * bounded by the number of sessions ended within one access-token lifetime. The guard
 * asks it about every request: one map lookup, no database.
 */
@Injectable()
export class RevocationList {
  /** Session id → when it ended (epoch ms), roughly in the order they were learnt. */
  private readonly ended = new Map<string, number>();
  private readonly keepMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keepMs = config.accessTokenTtl * 1000 + REVOCATION_MARGIN_MS;
  }

  /** True when the session has ended: its access tokens must be refused. */
  has(sessionId: string): boolean {
    return this.ended.has(sessionId);
  }

  /** Records that `sessionId` ended at `endedAt`; false when that no longer matters (every token expired). */
  add(sessionId: string, endedAt: number, now = Date.now()): boolean {
    if (endedAt + this.keepMs <= now) {
      return false;
    }
    const known = this.ended.get(sessionId);
    if (known === undefined || endedAt > known) {
      // Re-inserted at the end, so that pruning from the front finds the oldest first.
      this.ended.delete(sessionId);
      this.ended.set(sessionId, endedAt);
    }
    return true;
  }

  /** The sessions that ended at or after `since`, oldest first as far as they were learnt in order. */
  endedSince(since: number): string[] {
    const ids: string[] = [];
    for (const [id, endedAt] of this.ended) {
      if (endedAt >= since) {
        ids.push(id);
      }
    }
    return ids;
  }

  /**
   * Forgets the sessions whose tokens have all expired. Entries arrive nearly in time
   * order, so this stops at the first one still needed; one learnt out of order waits
   * for a later pass, which costs memory for a while, never a wrong answer.
   */
  prune(now = Date.now()): void {
    for (const [id, endedAt] of this.ended) {
      if (endedAt + this.keepMs > now) {
        return;
      }
      this.ended.delete(id);
    }
  }

  get size(): number {
    return this.ended.size;
  }
}
