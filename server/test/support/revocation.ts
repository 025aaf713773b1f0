import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { sessionIdOf, type TokenPair } from '@seamless/testing';
import type { TestDatabase } from './databases';
import type { Api } from './http';
import { runToExit } from './process';

/** The compiled operator command next to the compiled tests. */
export const USERS_CLI = join(__dirname, '..', '..', 'src', 'users', 'users.cli.js');

/** How long a test waits for an ended session to be refused before it fails (generous: the machine may be busy). */
export const REFUSAL_TIMEOUT_MS = 15_000;

/**
 * Polls `GET /bbb` with `token` on every instance until each answers 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"`, and returns how long each took
 * in milliseconds (reported, never asserted). Fails on any other status, or when an
 * instance still serves the token after {@link REFUSAL_TIMEOUT_MS}.
 */
export async function waitUntilRefused(apis: Api[], token: string): Promise<number[]> {
  const started = performance.now();
  return Promise.all(
    apis.map(async (api) => {
      for (;;) {
        const reply = await api.get('/bbb', token);
        if (reply.status === 401) {
          assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
          return Math.round(performance.now() - started);
        }
        assert.equal(reply.status, 200, `unexpected answer from ${api.base}: ${reply.text}`);
        assert.ok(
          performance.now() - started < REFUSAL_TIMEOUT_MS,
          `${api.base} still serves the ended session after ${REFUSAL_TIMEOUT_MS} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
}

/** Asserts that `token` opens `/bbb` on every instance. */
export async function assertServed(apis: Api[], token: string, what: string): Promise<void> {
  for (const api of apis) {
    assert.equal((await api.get('/bbb', token)).status, 200, `${what} on ${api.base}`);
  }
}

/** Runs the operator command `users.cli.js delete <username>` with `env`; resolves with its exit code and output. */
export function deleteUserWithCli(
  username: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return runToExit(USERS_CLI, ['delete', username], env, 60_000);
}

const PASSWORD = 'correct horse battery';

/** What ending a session may need besides the instances. */
export interface EndingContext {
  /** The environment the operator command runs with: the deployment's database and keys. */
  cliEnv: Record<string, string>;
  db: Pick<TestDatabase, 'query'>;
}

/** The access tokens a session ending must refuse and those it must leave alone. */
export interface EndingOutcome {
  ended: string[];
  live: string[];
  /** What else holds once the ended tokens are refused. */
  afterwards?: () => Promise<void>;
}

/**
 * One way a session ends. `first` signs in and `last` acts, or the other way round,
 * so that on a deployment of several instances the ending crosses from one to another;
 * on a single instance both are the same.
 */
export interface SessionEnding {
  name: string;
  end(first: Api, last: Api, context: EndingContext): Promise<EndingOutcome>;
}

/** Two sessions of a new user: it signs up and in on `a`, and signs in again on `b`. */
async function twoSessions(username: string, a: Api, b: Api): Promise<[TokenPair, TokenPair]> {
  const first = await a.signedIn(username);
  return [first, (await b.login(username, PASSWORD)).body];
}

/** Every way a session ends before its tokens expire. */
export const SESSION_ENDINGS: SessionEnding[] = [
  {
    name: 'logout: refused within a second; another session of the same user keeps working',
    async end(a, b) {
      const [pair, other] = await twoSessions('rev_logout', a, b);
      await assertServed([a, b], pair.access_token, 'before logout');
      assert.equal(
        (await a.request('POST', '/user/logout', { token: pair.access_token })).status,
        204,
      );
      return { ended: [pair.access_token], live: [other.access_token] };
    },
  },
  {
    name: 'revoking one session from the Sessions list: that device is refused, this one is not',
    async end(a, b) {
      const [here, there] = await twoSessions('rev_one', b, a);
      await assertServed([a, b], there.access_token, 'before the revocation');
      const reply = await b.request('DELETE', `/user/sessions/${sessionIdOf(there.access_token)}`, {
        token: here.access_token,
      });
      assert.equal(reply.status, 204);
      return { ended: [there.access_token], live: [here.access_token] };
    },
  },
  {
    name: 'signing out everywhere: every session of the user is refused, nobody else',
    async end(a, b) {
      const [first, second] = await twoSessions('rev_all', a, b);
      const stranger = await b.signedIn('rev_all_stranger');
      await assertServed([a, b], first.access_token, 'before sign-out everywhere');
      await assertServed([a, b], second.access_token, 'before sign-out everywhere');
      const reply = await a.request('DELETE', '/user/sessions', { token: first.access_token });
      assert.equal(reply.status, 204);
      return { ended: [first.access_token, second.access_token], live: [stranger.access_token] };
    },
  },
  {
    name: 'a password change ends every other session',
    async end(a, b, { db }) {
      const [current, elsewhere] = await twoSessions('rev_password', a, b);
      await assertServed([a, b], elsewhere.access_token, 'before the password change');
      const reply = await a.request('POST', '/user/password', {
        token: current.access_token,
        json: { current_password: PASSWORD, new_password: 'a brand new passphrase' },
      });
      assert.equal(reply.status, 204, reply.text);
      return {
        ended: [elsewhere.access_token],
        live: [current.access_token],
        afterwards: async () => {
          assert.equal((await b.refresh(elsewhere.refresh_token)).status, 401);
          assert.equal((await a.refresh(current.refresh_token)).status, 200);
          const [record] = await db.query<{ n: number | string }>(
            'SELECT COUNT(*) AS n FROM session_revocations WHERE session_id = ?',
            [sessionIdOf(elsewhere.access_token)],
          );
          assert.equal(
            Number(record?.n),
            1,
            'the ended session is recorded for the other instances',
          );
        },
      };
    },
  },
  {
    name: 'reuse of a rotated refresh token: the thief and the victim are both refused',
    async end(a, b) {
      const stolen = await a.signedIn('rev_reuse');
      const rotated = await b.refresh(stolen.refresh_token);
      assert.equal(rotated.status, 200);
      await assertServed([a, b], rotated.body.access_token, 'before the reuse');
      assert.equal((await a.refresh(stolen.refresh_token)).status, 401);
      return { ended: [rotated.body.access_token, stolen.access_token], live: [] };
    },
  },
  {
    name: 'deleting the user with the operator command (another process): refused within a second',
    async end(a, b, { cliEnv }) {
      const doomed = await a.signedIn('rev_deleted');
      const stranger = await b.signedIn('rev_deleted_stranger');
      await assertServed([a, b], doomed.access_token, 'before the deletion');
      const cli = await deleteUserWithCli('rev_deleted', cliEnv);
      assert.equal(cli.code, 0, cli.output);
      return {
        ended: [doomed.access_token],
        live: [stranger.access_token],
        afterwards: async () => {
          assert.equal((await b.login('rev_deleted', PASSWORD)).status, 401);
          const again = await deleteUserWithCli('rev_deleted', cliEnv);
          assert.equal(again.code, 1, 'an unknown user is an error');
          assert.match(again.output, /no user named rev_deleted/);
        },
      };
    },
  },
];

/**
 * Ends a session as `ending` says on the first and last of `apis`, then checks every
 * instance: each ended token refused within {@link REFUSAL_TIMEOUT_MS} (the times
 * reported), each live one still served.
 */
export async function playEnding(
  t: TestContext,
  ending: SessionEnding,
  apis: Api[],
  context: EndingContext,
): Promise<EndingOutcome> {
  const outcome = await ending.end(apis[0], apis[apis.length - 1], context);
  const ms = await Promise.all(outcome.ended.map((token) => waitUntilRefused(apis, token)));
  t.diagnostic(`refused after ${JSON.stringify(ms)} ms`);
  for (const token of outcome.live) {
    await assertServed(apis, token, 'a session that did not end');
  }
  await outcome.afterwards?.();
  return outcome;
}
