import { refreshCounterOf, type TokenPair } from '@seamless/testing';
import type { Api } from '../../support/http';

/** Status counts of everything a scenario sent; `network` counts requests that got no HTTP answer. */
export class Tally {
  readonly byStatus = new Map<string, number>();
  sent = 0;
  slowestMs = 0;

  record(status: number | 'network' | 'timeout', ms: number): void {
    this.sent++;
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    this.slowestMs = Math.max(this.slowestMs, ms);
  }

  count(predicate: (status: string) => boolean): number {
    let total = 0;
    for (const [status, n] of this.byStatus) {
      if (predicate(status)) {
        total += n;
      }
    }
    return total;
  }

  /** Everything that is neither the expected answer nor a 503 saying "try again shortly". */
  unexpected(expected: number[]): number {
    return this.count((s) => s !== '503' && !expected.includes(Number(s)));
  }

  summary(): Record<string, number> {
    return Object.fromEntries([...this.byStatus].sort());
  }
}

/**
 * One signed-in device that refreshes in a loop, always with the token its previous
 * refresh returned, as the client library does. A 503 keeps the token (the refresh
 * will be retried); a request without answer leaves the outcome unknown.
 */
export class Device {
  refreshes = 0;
  /** The token sent by a request that never got an answer (the server died with it in flight). */
  unanswered: string | undefined;

  constructor(public pair: TokenPair) {}

  get counter(): number {
    return refreshCounterOf(this.pair.refresh_token);
  }

  /** Refreshes until `stop()` says so or the server stops answering; pauses after a 503. */
  async loop(api: Api, tally: Tally, stop: () => boolean, timeoutMs = 10_000): Promise<void> {
    while (!stop()) {
      const outcome = await this.refreshOnce(api, tally, timeoutMs);
      if (outcome === 'gone') {
        return;
      }
      if (outcome === 'retry') {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  async refreshOnce(api: Api, tally: Tally, timeoutMs = 10_000): Promise<'ok' | 'retry' | 'gone'> {
    const sent = this.pair.refresh_token;
    const started = performance.now();
    try {
      const response = await fetch(`${api.base}/user/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: sent }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      tally.record(response.status, performance.now() - started);
      if (response.status === 200) {
        this.pair = JSON.parse(text) as TokenPair;
        this.refreshes++;
        return 'ok';
      }
      return response.status === 503 ? 'retry' : 'gone';
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      tally.record(timedOut ? 'timeout' : 'network', performance.now() - started);
      this.unanswered = sent;
      return 'gone';
    }
  }
}

/** Calls `path` with the access token in a loop: the guarded path, which needs no database. */
export async function guardedLoop(
  api: Api,
  token: () => string,
  tally: Tally,
  stop: () => boolean,
): Promise<void> {
  while (!stop()) {
    const started = performance.now();
    try {
      const response = await fetch(`${api.base}/bbb`, {
        headers: { authorization: `Bearer ${token()}` },
        signal: AbortSignal.timeout(10_000),
      });
      await response.text();
      tally.record(response.status, performance.now() - started);
    } catch {
      tally.record('network', performance.now() - started);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
