import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Api } from './http';

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
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [USERS_CLI, 'delete', username], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
