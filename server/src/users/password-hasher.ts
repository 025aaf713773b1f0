import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { HashingQueue } from './hashing-queue';
import type { PasswordTask } from './password-hashing.task';

/** What an argon2id hash is assumed to cost before the first one has been timed. */
const INITIAL_HASH_MS = 100;

/**
 * argon2id hashing in worker threads, never on the event loop. At most (cores - 1)
 * hashes run at once, and their threads run at the lowest CPU priority (nice 19): a
 * login storm then slows logins down, not the requests that only need a token check.
 * Every hash and verification waits its turn in one {@link HashingQueue}: first come,
 * first served, and a 503 at once for whoever could not start within LOGIN_QUEUE_TIMEOUT.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnModuleDestroy {
  private readonly pool: Piscina<PasswordTask, string | boolean>;
  /** Where every hash waits its turn (read by tests and the health of the pool). */
  readonly queue: HashingQueue;
  /** Compared against when the user does not exist, so that case costs what a wrong password costs. */
  private dummyHash: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const threads = Math.max(1, availableParallelism() - 1);
    this.pool = new Piscina<PasswordTask, string | boolean>({
      filename: join(__dirname, 'password-hashing.task.js'),
      minThreads: 1,
      maxThreads: threads,
      niceIncrement: 19,
      idleTimeout: 60_000,
      // The queue above hands over at most one task per thread; should one ever wait
      // here anyway, it keeps its place instead of going to the back.
      stricterFIFO: true,
    });
    this.queue = new HashingQueue({
      concurrency: threads,
      maxWaitMs: config.loginQueueTimeout * 1000,
      initialTaskMs: INITIAL_HASH_MS,
    });
  }

  onModuleInit(): void {
    // Straight to the pool: a start-up task is never refused, and every verify awaits it first.
    this.dummyHash = this.pool.run({
      op: 'hash',
      password: 'seamless-dummy-password',
    }) as Promise<string>;
    this.dummyHash.then(
      (hash) => this.calibrate(hash),
      () => undefined, // awaited, and so reported, by the first verify
    );
  }

  /**
   * Times one verification on the warm thread, so that the queue's first estimates
   * come from this machine rather than a guess: a guess too high refuses the first
   * logins of a busy start with 503s, one too low lets the queue grow past the bound.
   */
  private calibrate(hash: string): void {
    const started = performance.now();
    this.pool.run({ op: 'verify', hash, password: 'calibration' }).then(
      () => this.queue.observe(performance.now() - started),
      () => undefined,
    );
  }

  async hash(password: string): Promise<string> {
    return (await this.queue.run(() => this.pool.run({ op: 'hash', password }))) as string;
  }

  /** True when `password` matches `hash`; with no hash (unknown user) it does the same work and says false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash) ?? '';
    const matches = (await this.queue.run(() =>
      this.pool.run({ op: 'verify', hash: target, password }),
    )) as boolean;
    return hash !== undefined && matches;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
