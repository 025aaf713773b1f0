import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

/**
 * Locally a suite whose service is missing is skipped; with `CI=true` nothing may skip,
 * so the missing service becomes a failing test. Returns the reason to pass as `skip`.
 */
export function unavailable(reason: string): string {
  if (process.env.CI === 'true') {
    test(`CI provides what the tests need (${reason})`, () => {
      throw new Error(`CI=true but ${reason}: these tests could not run`);
    });
  }
  return reason;
}

/** `false` when every variable is set, else the skip reason (a failure under CI). */
export function requireEnv(names: readonly string[]): string | false {
  const missing = names.filter((name) => !process.env[name]);
  return missing.length === 0 ? false : unavailable(`${missing.join(' and ')} not set`);
}

/** `false` when every program is on PATH, else the skip reason (a failure under CI). */
export function requirePrograms(names: readonly string[]): string | false {
  const missing = names.filter((name) => !onPath(name));
  return missing.length === 0 ? false : unavailable(`${missing.join(' and ')} not installed`);
}

/** True when `name` is a program on PATH. */
function onPath(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
