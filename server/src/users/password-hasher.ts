import { availableParallelism } from 'node:os';
import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** OWASP's argon2id minimum: 19 MiB of memory, 2 passes, 1 lane. */
const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * argon2id hashing on libuv's thread pool, never on the event loop. At most
 * (cores - 1) hashes run at once, so a login storm leaves a core for the requests
 * that only need a token check; the rest wait their turn.
 */
@Injectable()
export class PasswordHasher {
  private readonly slots = Math.max(1, availableParallelism() - 1);
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Compared against when the user does not exist, so that case costs what a wrong password costs. */
  private readonly dummyHash: Promise<string> = argon2.hash(
    'seamless-dummy-password',
    ARGON2_OPTIONS,
  );

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  /** True when `password` matches `hash`; with no hash (unknown user) it does the same work and says false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash);
    const matches = await this.limited(() => argon2.verify(target, password).catch(() => false));
    return hash !== undefined && matches;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next(); // hand the slot straight to the next waiter
      } else {
        this.running--;
      }
    }
  }
}
