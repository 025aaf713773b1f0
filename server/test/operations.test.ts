import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeJwtPart, sleep } from '@seamless/testing';
import { loadConfig } from '../src/config/config';
import { generateRefreshTokenSecret, generateSigningJwk } from '../src/keys/signing-keys';
import { Api } from './support/http';
import { runServerExpectingFailure, spawnServer } from './support/process';
import { startServer } from './support/server';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-ops-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration', () => {
  it('parses the contract defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.accessTokenTtl, 1800);
    assert.equal(config.refreshTokenTtl, 7 * 86400);
    assert.equal(config.refreshReuseGrace, 10);
    assert.equal(config.loginMaxAttempts, 10);
    assert.equal(config.loginWindow, 900);
    assert.equal(config.jwtAudience, 'seamless');
    assert.equal(config.sessionMaxAge, 30 * 86400);
    assert.equal(config.seedDemoUser, true);
    assert.equal(config.corsOrigins, 'any');
    assert.deepEqual(config.database, {
      type: 'sqlite',
      path: join(process.cwd(), 'data/seamless.sqlite'),
    });
  });

  it('reads every duration form of the contract', () => {
    const config = loadConfig({
      ACCESS_TOKEN_TTL: '45s',
      REFRESH_TOKEN_TTL: '12h',
      SESSION_MAX_AGE: '7d',
      REFRESH_REUSE_GRACE: '0',
    });
    assert.equal(config.accessTokenTtl, 45);
    assert.equal(config.refreshTokenTtl, 43200);
    assert.equal(config.sessionMaxAge, 604800);
    assert.equal(config.refreshReuseGrace, 0);
    assert.equal(loadConfig({ ACCESS_TOKEN_TTL: '90' }).accessTokenTtl, 90);
  });

  it('reads a database URL of each kind', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database, {
      type: 'sqlite',
      path: ':memory:',
    });
    for (const url of [
      'mysql://u:p@db:3306/seamless',
      'postgres://u:p@db:5432/seamless',
      'postgresql://u:p@db/seamless?sslmode=require',
    ]) {
      const type = url.startsWith('mysql') ? 'mysql' : 'postgres';
      assert.deepEqual(loadConfig({ DATABASE_URL: url }).database, { type, url }, url);
    }
  });

  it('names a bad variable and never echoes its value', () => {
    const cases: Record<string, string> = {
      ACCESS_TOKEN_TTL: 'soonish',
      REFRESH_TOKEN_TTL: '-1d',
      PORT: '70000',
      DATABASE_URL: 'mongodb://db:27017/seamless',
      LOGIN_MAX_ATTEMPTS: 'ten',
      REDIS_URL: 'localhost',
      SEED_DEMO_USER: 'yes-please',
      REFRESH_TOKEN_SECRET: 'short-secret-value',
      CORS_ORIGINS: 'not an origin',
    };
    for (const [name, value] of Object.entries(cases)) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: Error) => error.message.includes(name) && !error.message.includes(value),
        name,
      );
    }
  });

  it('in production, requires keys from the environment and DATABASE_URL', async () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      /JWT_SIGNING_KEYS.*REFRESH_TOKEN_SECRET.*DATABASE_URL/,
    );
    const keys = JSON.stringify([await generateSigningJwk()]);
    assert.throws(
      () =>
        loadConfig({
          NODE_ENV: 'production',
          JWT_SIGNING_KEYS: keys,
          REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
        }),
      /DATABASE_URL/,
    );
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SIGNING_KEYS: keys,
      REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
      DATABASE_URL: 'mysql://u:p@db:3306/seamless',
    });
    assert.equal(config.seedDemoUser, false);
    assert.equal(config.corsOrigins, 'none');
  });

  it('stops the process at start with a message naming the variable', async () => {
    const bad = await runServerExpectingFailure({
      ACCESS_TOKEN_TTL: 'soonish',
      DATABASE_URL: `sqlite:${dir}/a.sqlite`,
    });
    assert.equal(bad.code, 1);
    assert.match(bad.output, /ACCESS_TOKEN_TTL/);
    assert.doesNotMatch(bad.output, /soonish/);
    const production = await runServerExpectingFailure({ NODE_ENV: 'production' });
    assert.equal(production.code, 1);
    assert.match(production.output, /JWT_SIGNING_KEYS/);
  });
});

describe('logs', () => {
  it('never contain a password, a hash or a whole token', async () => {
    const server = await spawnServer({
      LOG_LEVEL: 'info',
      DATABASE_URL: `sqlite:${dir}/logs.sqlite`,
      KEYS_FILE: join(dir, 'logs-keys.json'),
    });
    try {
      const api = new Api(server.url);
      const password = 'a very secret passphrase';
      const pair = await api.signedIn('logwatcher', password);
      await api.login('logwatcher', 'wrong but also secret');
      const byQuery = await api.get<{ refresh_token: string }>(
        `/user/refresh?refresh_token=${encodeURIComponent(pair.refresh_token)}`,
      );
      const byBody = await api.refresh(byQuery.body.refresh_token);
      await api.get('/bbb', byBody.body.access_token);
      await api.get('/bbb', 'forged.token.value');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const output = server.output();
    assert.match(output, /"url":"\/user\/refresh\?refresh_token=\[REDACTED\]"/);
    assert.match(output, /"status":401/);
    for (const secret of [
      'a very secret passphrase',
      'wrong but also secret',
      '$argon2id',
      'eyJ',
      'forged.token.value',
    ]) {
      assert.ok(!output.includes(secret), `log contains ${secret}`);
    }
  });
});

describe('signing-key rotation', () => {
  it('a new current key signs while tokens of the old one verify until the old key is removed', async () => {
    const oldKey = await generateSigningJwk();
    const newKey = await generateSigningJwk('EdDSA');
    const common = {
      DATABASE_URL: `sqlite:${dir}/rotation.sqlite`,
      REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
    };
    const before = await startServer({ ...common, JWT_SIGNING_KEYS: JSON.stringify([oldKey]) });
    const oldToken = (await new Api(before.url).login('guang', '123456')).body;
    await before.close();

    // Step 1 and 2 at once here: publish the new key and make it current, keep the old one verifying.
    const during = await startServer({
      ...common,
      JWT_SIGNING_KEYS: JSON.stringify([oldKey, newKey]),
      JWT_CURRENT_KID: String(newKey.kid),
    });
    const api = new Api(during.url);
    try {
      const jwks = await api.get<{ keys: { kid: string; alg: string }[] }>(
        '/.well-known/jwks.json',
      );
      assert.deepEqual(
        jwks.body.keys.map((k) => k.kid),
        [newKey.kid, oldKey.kid],
      );
      assert.equal((await api.get('/bbb', oldToken.access_token)).status, 200);
      const refreshed = await api.refresh(oldToken.refresh_token);
      assert.equal(refreshed.status, 200);
      const header = decodeJwtPart(refreshed.body.access_token, 0);
      assert.equal(header.kid, newKey.kid);
      assert.equal(header.alg, 'EdDSA');
      assert.equal((await api.get('/bbb', refreshed.body.access_token)).status, 200);
    } finally {
      await during.close();
    }

    // Step 3, once the old tokens have expired: drop the old key.
    const afterwards = await startServer({ ...common, JWT_SIGNING_KEYS: JSON.stringify([newKey]) });
    try {
      assert.equal((await new Api(afterwards.url).get('/bbb', oldToken.access_token)).status, 401);
    } finally {
      await afterwards.close();
    }
  });
});

describe('CORS in production', () => {
  it('answers only the listed origins and never reflects another', async () => {
    const server = await startServer({
      NODE_ENV: 'production',
      DATABASE_URL: `sqlite:${dir}/cors.sqlite`,
      JWT_SIGNING_KEYS: JSON.stringify([await generateSigningJwk()]),
      REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
      CORS_ORIGINS: 'https://app.example.com',
    });
    try {
      const api = new Api(server.url);
      const evil = await api.request('GET', '/aaa', {
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(evil.headers.get('access-control-allow-origin'), null);
      const good = await api.request('GET', '/aaa', {
        headers: { origin: 'https://app.example.com' },
      });
      assert.equal(good.headers.get('access-control-allow-origin'), 'https://app.example.com');
      // No demo user in production.
      assert.equal((await api.login('guang', '123456')).status, 401);
    } finally {
      await server.close();
    }
  });
});

describe('shutdown', () => {
  it('SIGTERM lets an in-flight request finish, refuses new ones, and exits 0', async () => {
    const server = await spawnServer({
      DATABASE_URL: `sqlite:${dir}/term.sqlite`,
      KEYS_FILE: join(dir, 'term-keys.json'),
    });
    const { port } = new URL(server.url);
    const body = JSON.stringify({ username: 'guang', password: '123456' });
    // A request whose body is still arriving when the signal lands: in flight by any definition.
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/user/login',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 10));
    await sleep(200);
    server.child.kill('SIGTERM');
    await sleep(300);
    await assert.rejects(fetch(`${server.url}/aaa`), 'a new connection is refused while stopping');
    request.end(body.slice(10));
    const reply = await answered;
    assert.equal(reply.status, 200);
    assert.match(reply.text, /access_token/);
    const started = Date.now();
    assert.equal(await server.exited, 0);
    assert.ok(Date.now() - started < 10_000);
  });
});
