import { Algorithm, hashSync, verifySync } from '@node-rs/argon2';

/** OWASP's argon2id minimum: 19 MiB of memory, 2 passes, 1 lane. */
const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export type PasswordTask =
  { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };

/**
 * Runs in a piscina worker thread. Synchronous on purpose: the work stays on this
 * worker's own thread, which runs at the lowest CPU priority, instead of on libuv's
 * shared pool next to everything else.
 */
export default function run(task: PasswordTask): string | boolean {
  if (task.op === 'hash') {
    return hashSync(task.password, ARGON2_OPTIONS);
  }
  try {
    return verifySync(task.hash, task.password);
  } catch {
    return false; // not a PHC string we can read: no match
  }
}
