import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { login, spoil, startTarget, type RunningTarget } from '../src/targets';
import { DEMO_USER } from '../src/users';

// The comparator is only a fair baseline if it behaves as the tutorial's server does.
let target: RunningTarget;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bench-comparator-'));
  target = await startTarget('tutorial', {
    databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`,
    tmpDir: dir,
    benchUsers: 2,
    nodeArgs: [],
  });
});

after(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, token?: string): Promise<Response> {
  return fetch(`${target.origin}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
}

void test('the demo user signs in and reaches /bbb with the access token', async () => {
  const session = await login(target.origin, DEMO_USER);
  const response = await get('/bbb', session.access);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'bbb');
  assert.equal((await get('/aaa')).status, 200);
});

void test('/bbb answers 401 without a token and with a spoiled one', async () => {
  const session = await login(target.origin, DEMO_USER);
  assert.equal((await get('/bbb')).status, 401);
  assert.equal((await get('/bbb', spoil(session.access))).status, 401);
});

void test('GET /user/refresh returns a new pair; a spoiled refresh token gets 401', async () => {
  const session = await login(target.origin, DEMO_USER);
  const refreshed = await get(`/user/refresh?refresh_token=${encodeURIComponent(session.refresh)}`);
  assert.equal(refreshed.status, 200);
  const pair = (await refreshed.json()) as { access_token: string; refresh_token: string };
  assert.equal((await get('/bbb', pair.access_token)).status, 200);
  const spoiled = await get(
    `/user/refresh?refresh_token=${encodeURIComponent(spoil(pair.refresh_token))}`,
  );
  assert.equal(spoiled.status, 401);
});

void test('a wrong password is answered with status 200 and a message, as the tutorial does', async () => {
  const response = await fetch(`${target.origin}/user/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: DEMO_USER.username, password: 'wrong' }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { statusCode: 200, message: '密码错误' });
});

void test('the seeded bench users can sign in', async () => {
  const session = await login(target.origin, {
    username: 'bench_0001',
    password: 'bench-password-0001',
  });
  assert.equal((await get('/bbb', session.access)).status, 200);
});
