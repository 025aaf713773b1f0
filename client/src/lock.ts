import type { TabChannel } from './channel.js';
import { TimeoutError } from './errors/timeout-error.js';
import { Sleepers } from './sleep.js';

/**
 * Mutual exclusion for the refresh: at most one `run` body at a time (per tab or per
 * origin). The body learns whether it had to wait for another holder (`contended`),
 * which tells it that another tab has probably just refreshed.
 */
export interface TabLock {
  run<T>(body: (contended: boolean) => Promise<T>): Promise<T>;
}

/** No cross-tab exclusion: the in-tab single flight is all there is (memory storage, Node). */
export const tabLocalLock: TabLock = { run: (body) => body(false) };

interface LockManagerLike {
  request<T>(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

const BUSY = Symbol('busy');

/**
 * After one wait for a holder ran out, how long further waits fail at once while the lock
 * is still held: one stuck tab must not make every request wait the full timeout.
 */
function stuckHolder(timeout: number): { busy(): void; timedOut(): TimeoutError } {
  let until = 0;
  const error = (): TimeoutError =>
    new TimeoutError(`Waited ${timeout} ms for another tab's refresh`, timeout);
  return {
    busy() {
      if (Date.now() < until) {
        throw error();
      }
    },
    timedOut() {
      until = Date.now() + timeout;
      return error();
    },
  };
}

/**
 * A lock shared by every tab of the origin through the Web Locks API, or null where the
 * API is missing.
 *
 * The lock is held for one refresh call (itself bounded by the refresh timeout) and two
 * storage operations, so a tab that waits longer than `timeout` is behind a holder that
 * is stuck (a hung custom store, a tab paused in a debugger). The waiting tab then gives
 * up with a retryable `TimeoutError` and keeps its tokens. It does not steal the lock and
 * refresh anyway: refreshing with the token the stuck tab may already have rotated is the
 * reuse that the server, once its grace period has passed, punishes by revoking the
 * whole session. Once a wait has run out, later ones fail at once for as long again
 * while the lock stays held. The browser releases a lock when its tab closes or crashes.
 */
export function webLocksLock(name: string, timeout: number): TabLock | null {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks === undefined || typeof locks.request !== 'function') {
    return null;
  }
  const stuck = stuckHolder(timeout);
  return {
    async run<T>(body: (contended: boolean) => Promise<T>): Promise<T> {
      // First without waiting, to learn whether someone else holds the lock.
      const free = await locks.request<T | typeof BUSY>(name, { ifAvailable: true }, (lock) =>
        lock === null ? Promise.resolve(BUSY) : body(false),
      );
      if (free !== BUSY) {
        return free;
      }
      stuck.busy();
      const controller = new AbortController();
      let acquired = false;
      const timer = setTimeout(() => controller.abort(), timeout);
      try {
        return await locks.request(name, { signal: controller.signal }, () => {
          acquired = true;
          clearTimeout(timer);
          return body(true);
        });
      } catch (error) {
        if (!acquired && controller.signal.aborted) {
          throw stuck.timedOut();
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const SETTLE_MS = 40;
/** How long a holder's claim lasts unless renewed; the holder renews it three times as often. */
const CLAIM_MS = 3000;

/**
 * A best-effort lock over a tab channel, for browsers without Web Locks (and on http://
 * origins other than localhost, which have none): a tab announces that it takes the
 * lock, waits a moment for rival announcements, and the lower id wins a tie. Messages
 * between tabs take time, so two tabs can still both refresh in a narrow window; the
 * server's reuse grace (a just-rotated token presented again returns the same new pair)
 * makes them converge instead of ending the session.
 *
 * A tab that closes or navigates away releases the lock on `pagehide`; one that crashes
 * stops renewing its claim, which the others then forget after 3 s. Both are well inside
 * the server's grace, so the tab that goes on may present the token the departed tab
 * had rotated. A live holder that keeps renewing for longer than `timeout` (a hung
 * custom store) makes waiting tabs give up with a retryable `TimeoutError`.
 */
export function messageLock(
  channel: TabChannel,
  options: { id: string; timeout: number; now: () => number },
): TabLock {
  const { id, timeout, now } = options;
  const holders = new Map<string, number>();
  const changes = new Sleepers();
  channel.subscribe((message) => {
    if (message.type === 'lock') {
      holders.set(message.from, now() + CLAIM_MS);
    } else if (message.type === 'unlock') {
      holders.delete(message.from);
    } else {
      return;
    }
    changes.wake();
  });

  const liveHolders = (): string[] => {
    const at = now();
    return [...holders].filter(([, until]) => until > at).map(([holder]) => holder);
  };

  const stuck = stuckHolder(timeout);
  const acquire = async (): Promise<boolean> => {
    const deadline = now() + timeout;
    let contended = false;
    for (;;) {
      while (liveHolders().length > 0) {
        if (!contended) {
          stuck.busy();
        }
        contended = true;
        if (now() >= deadline) {
          throw stuck.timedOut();
        }
        await changes.sleep(Math.min(250, deadline - now()));
      }
      channel.post({ type: 'lock', from: id });
      const settleUntil = now() + SETTLE_MS;
      while (now() < settleUntil) {
        await changes.sleep(settleUntil - now());
      }
      if (!liveHolders().some((holder) => holder < id)) {
        return contended;
      }
      contended = true;
      channel.post({ type: 'unlock', from: id });
    }
  };

  let holding = false;
  const release = (): void => {
    if (holding) {
      holding = false;
      channel.post({ type: 'unlock', from: id });
    }
  };
  (globalThis as unknown as Partial<Window>).addEventListener?.('pagehide', release);

  let queue: Promise<unknown> = Promise.resolve();
  return {
    run<T>(body: (contended: boolean) => Promise<T>): Promise<T> {
      const result = queue.then(async () => {
        const contended = await acquire();
        holding = true;
        const renew = setInterval(() => channel.post({ type: 'lock', from: id }), CLAIM_MS / 3);
        try {
          return await body(contended);
        } finally {
          clearInterval(renew);
          release();
        }
      });
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
