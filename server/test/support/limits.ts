import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import type { Api, Reply } from './http';
import type { ServerFixture } from './server';

export const RIGHT = 'correct horse battery';

/**
 * Every test request comes from 127.0.0.1, so the per-address limits would soon refuse
 * suites that sign many users up; suites about those limits set them.
 */
export const LOOPBACK_LIMITS = {
  REGISTER_MAX_PER_IP: '1000000',
  LOGIN_IP_MAX_ATTEMPTS: '1000000',
} as const;

/** `attempts` failures per username and address, in a window no test outlasts. */
export function loginLimit(
  attempts: number,
  more: Record<string, string> = {},
): Record<string, string> {
  return { LOGIN_MAX_ATTEMPTS: String(attempts), LOGIN_WINDOW: '10m', ...more };
}

/** What {@link assertAtMostFiveChecked} expects a burst to run against. */
export const BURST_LIMITS = loginLimit(5, {
  // On a machine busy enough to fill the hashing queue, a 503 would stand in for a 429
  // here; the queue has tests of its own.
  LOGIN_QUEUE_TIMEOUT: '10m',
});

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

/**
 * Inside a describe served with {@link BURST_LIMITS}: a burst of 50 logins for one
 * username, the right password first, in the middle or last, checks at most five.
 */
export function itChecksAtMostFiveOfABurst(fixture: ServerFixture, prefix: string): void {
  for (const rightAt of [0, 25, 49]) {
    it(`checks at most LOGIN_MAX_ATTEMPTS passwords of 50, the right one at ${rightAt}`, async () => {
      const username = `${prefix}_${rightAt}_${randomBytes(3).toString('hex')}`;
      await fixture.api.register(username, RIGHT);
      assertAtMostFiveChecked(await burst(fixture.api, username, rightAt), username);
      // Once the window is spent, the right password alone is refused too.
      assert.equal((await fixture.api.login(username, RIGHT)).status, 429);
    });
  }
}
