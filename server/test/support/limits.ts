import assert from 'node:assert/strict';
import type { Api, Reply } from './http';

export const RIGHT = 'correct horse battery';

/**
 * Every test request comes from 127.0.0.1, so the per-address limits would soon refuse
 * suites that sign many users up; suites about those limits set them.
 */
export const LOOPBACK_LIMITS = {
  REGISTER_MAX_PER_IP: '1000000',
  LOGIN_IP_MAX_ATTEMPTS: '1000000',
} as const;

/** `size` parallel logins for one username from one address; the right password at `rightAt`. */
export async function burst(
  api: Api,
  username: string,
  rightAt: number,
  size = 50,
  headers?: Record<string, string>,
): Promise<Reply[]> {
  return Promise.all(
    Array.from({ length: size }, (_, i) =>
      api.login(username, i === rightAt ? RIGHT : `wrong password ${i}`, headers),
    ),
  );
}

/** What a burst against LOGIN_MAX_ATTEMPTS=5 may get: at most 5 password checks, the rest 429. */
export function assertAtMostFiveChecked(replies: Reply[], where: string): void {
  const statuses = replies.map((r) => r.status);
  const checked = statuses.filter((s) => s !== 429);
  assert.ok(
    checked.length <= 5,
    `${where}: ${checked.length} answers other than 429: ${checked.join()}`,
  );
  assert.ok(
    checked.every((s) => s === 200 || s === 401),
    `${where}: unexpected statuses ${statuses.join()}`,
  );
  for (const reply of replies.filter((r) => r.status === 429)) {
    assert.ok(Number(reply.headers.get('retry-after')) >= 1, `${where}: 429 without Retry-After`);
  }
}
