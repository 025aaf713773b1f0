import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { PasswordTask } from './password-hashing.task';

/**
 * argon2id hashing in worker threads, never on the event loop. At most (cores - 1)
 * hashes run at once, and their threads run at the lowest CPU priority (nice 19): a
 * login storm then slows logins down, not the requests that only need a token check.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnModuleDestroy {
  private readonly pool = new Piscina<PasswordTask, string | boolean>({
    filename: join(__dirname, 'password-hashing.task.js'),
    minThreads: 1,
    maxThreads: Math.max(1, availableParallelism() - 1),
    niceIncrement: 19,
    idleTimeout: 60_000,
  });
  /** Compared against when the user does not exist, so that case costs what a wrong password costs. */
  private dummyHash: Promise<string> | undefined;

  onModuleInit(): void {
    this.dummyHash = this.hash('seamless-dummy-password');
    this.dummyHash.catch(() => undefined); // awaited, and so reported, by the first verify
  }

  async hash(password: string): Promise<string> {
    return (await this.pool.run({ op: 'hash', password })) as string;
  }

  /** True when `password` matches `hash`; with no hash (unknown user) it does the same work and says false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash) ?? '';
    const matches = (await this.pool.run({ op: 'verify', hash: target, password })) as boolean;
    return hash !== undefined && matches;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
