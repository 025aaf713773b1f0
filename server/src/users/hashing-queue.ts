import { performance } from 'node:perf_hooks';
import { DomainError } from '../common/errors/domain-error';

export interface HashingQueueOptions {
  /** How many tasks run at once: the hashing pool's threads. */
  concurrency: number;
  /** The longest a task may wait to start; past it the caller gets a 503 instead. */
  maxWaitMs: number;
  /** The time a task is assumed to take until one has been measured. */
  initialTaskMs: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

interface Waiting {
  start: () => void;
  refuse: (error: DomainError) => void;
  timer: NodeJS.Timeout;
}

/** Weight of the newest measurement in the running average of task times. */
const SMOOTHING = 0.2;

/**
 * The admission queue in front of password hashing: first come, first served, and
 * bounded in time. At most `concurrency` tasks run, so the pool beneath never queues
 * (piscina's own queue moves a task that finds every thread busy to its back, which
 * left some logins waiting through a whole storm). A task that would not start within
 * `maxWaitMs` — estimated from the queue's length and the measured task time — is
 * refused at once with a Retry-After, rather than at the end of the wait; one that is
 * still waiting when the bound passes (the estimate was optimistic) is refused then.
 */
export class HashingQueue {
  private readonly queue: Waiting[] = [];
  private active = 0;
  private average: number;
  private measured = false;
  private readonly now: () => number;

  constructor(private readonly options: HashingQueueOptions) {
    this.average = options.initialTaskMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** How many tasks run at once. */
  get concurrency(): number {
    return this.options.concurrency;
  }

  get waiting(): number {
    return this.queue.length;
  }

  get running(): number {
    return this.active;
  }

  /** The running average of task durations, in milliseconds. */
  get averageTaskMs(): number {
    return this.average;
  }

  /**
   * Runs `task` when its turn comes. Rejects with a `server_busy` DomainError (503 +
   * Retry-After) when the turn would come too late.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.options.concurrency && this.queue.length === 0) {
      return this.execute(task);
    }
    const expectedWaitMs = this.expectedWaitMs(this.queue.length);
    if (this.options.maxWaitMs === 0 || expectedWaitMs > this.options.maxWaitMs) {
      return Promise.reject(this.busy(expectedWaitMs));
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = {
        start: () => {
          clearTimeout(entry.timer);
          this.execute(task).then(resolve, reject);
        },
        refuse: reject,
        timer: setTimeout(() => this.expire(entry), this.options.maxWaitMs),
      };
      this.queue.push(entry);
    });
  }

  private async execute<T>(task: () => Promise<T>): Promise<T> {
    this.active++;
    const started = this.now();
    try {
      return await task();
    } finally {
      this.observe(this.now() - started);
      this.active--;
      this.queue.shift()?.start();
    }
  }

  /**
   * When the task behind `ahead` waiting ones would start: every thread is busy, so it
   * waits for ⌊ahead / threads⌋ + 1 rounds of tasks (the running ones counted whole).
   */
  private expectedWaitMs(ahead: number): number {
    return (Math.floor(ahead / this.options.concurrency) + 1) * this.average;
  }

  /** Takes one task duration into the running average (also a calibration run outside the queue). */
  observe(durationMs: number): void {
    this.average = this.measured
      ? this.average + SMOOTHING * (durationMs - this.average)
      : durationMs;
    this.measured = true;
  }

  private expire(entry: Waiting): void {
    const index = this.queue.indexOf(entry);
    if (index === -1) {
      return;
    }
    this.queue.splice(index, 1);
    entry.refuse(this.busy(this.expectedWaitMs(this.queue.length)));
  }

  /**
   * The 503 for a task that would wait `expectedWaitMs`. Retry-After is when the queue,
   * draining at its measured pace, would again start a newcomer within the bound.
   */
  private busy(expectedWaitMs: number): DomainError {
    const retryAfterMs = expectedWaitMs - this.options.maxWaitMs;
    return new DomainError('server_busy', Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }
}
