import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/config';
import { generateRefreshTokenSecret, generateSigningJwk } from '../src/keys/signing-keys';
import { Api } from './support/http';
import { runServerExpectingFailure } from './support/process';
import { startServer } from './support/server';

let dir: string;
let productionKeys: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-hardening-'));
  productionKeys = JSON.stringify([await generateSigningJwk()]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const production = (env: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  JWT_SIGNING_KEYS: productionKeys,
  REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
  DATABASE_URL: `sqlite:${join(dir, `${Math.random().toString(36).slice(2)}.sqlite`)}`,
  ...env,
});

describe('SESSION_MAX_AGE', () => {
  it('is 30 days by default; 0 or off turns the cap off', () => {
    assert.equal(loadConfig({}).sessionMaxAge, 30 * 86400);
    assert.equal(loadConfig({ SESSION_MAX_AGE: '0' }).sessionMaxAge, undefined);
    assert.equal(loadConfig({ SESSION_MAX_AGE: 'off' }).sessionMaxAge, undefined);
    assert.equal(loadConfig({ SESSION_MAX_AGE: '12h' }).sessionMaxAge, 43200);
    assert.throws(() => loadConfig({ SESSION_MAX_AGE: 'never' }), /SESSION_MAX_AGE/);
  });
});

describe('/docs', () => {
  it('is served outside production unless DOCS=false, and in production only with DOCS=true', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ DATABASE_URL: `sqlite:${join(dir, 'docs-dev.sqlite')}` }, 200],
      [{ DATABASE_URL: `sqlite:${join(dir, 'docs-off.sqlite')}`, DOCS: 'false' }, 404],
      [production(), 404],
      [production({ DOCS: 'true' }), 200],
    ];
    for (const [env, status] of cases) {
      const server = await startServer(env);
      try {
        const api = new Api(server.url);
        const what = `NODE_ENV=${env.NODE_ENV ?? ''} DOCS=${env.DOCS ?? ''}`;
        assert.equal((await api.get('/docs')).status, status, what);
        assert.equal((await api.get('/docs-json')).status, status, what);
        assert.equal((await api.get('/aaa')).status, 200);
      } finally {
        await server.close();
      }
    }
  });

  it('DOCS takes true or false, nothing else', () => {
    assert.equal(loadConfig({}).docs, true);
    assert.equal(loadConfig(production()).docs, false);
    assert.throws(() => loadConfig({ DOCS: 'maybe' }), /DOCS/);
  });
});

describe('REFRESH_TOKEN_SECRET in production', () => {
  it('refuses a secret with too little entropy, naming the variable without echoing it', () => {
    const weak = [
      'A'.repeat(43),
      'AB'.repeat(22),
      'abc'.repeat(15),
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq',
      `${'0'.repeat(40)}123`,
    ];
    for (const secret of weak) {
      assert.throws(
        () => loadConfig(production({ REFRESH_TOKEN_SECRET: secret })),
        (error: Error) =>
          error.message.includes('REFRESH_TOKEN_SECRET') && !error.message.includes(secret),
        secret,
      );
    }
  });

  it('accepts every secret the key tool generates', () => {
    for (let i = 0; i < 2000; i++) {
      loadConfig(production());
    }
  });

  it('stops the server at start', async () => {
    const secret = 'A'.repeat(43);
    const refused = await runServerExpectingFailure(production({ REFRESH_TOKEN_SECRET: secret }));
    assert.equal(refused.code, 1);
    assert.match(refused.output, /REFRESH_TOKEN_SECRET/);
    assert.ok(!refused.output.includes(secret));
  });
});

describe('files at rest', () => {
  it('the SQLite database (with its -wal and -shm) and the keys file are readable by their owner only', async () => {
    const dataDir = join(dir, 'fresh-data');
    const database = join(dataDir, 'seamless.sqlite');
    const keysFile = join(dir, 'fresh-keys', 'keys.json');
    const server = await startServer({ DATABASE_URL: `sqlite:${database}`, KEYS_FILE: keysFile });
    try {
      const api = new Api(server.url);
      // A write, so that the write-ahead log and its index exist.
      await api.signedIn('atrest');
      for (const file of [database, `${database}-wal`, `${database}-shm`, keysFile]) {
        const mode = statSync(file).mode & 0o777;
        assert.equal(mode & 0o077, 0, `${file}: ${mode.toString(8)}`);
      }
      for (const folder of [dataDir, join(dir, 'fresh-keys')]) {
        const mode = statSync(folder).mode & 0o777;
        assert.equal(mode & 0o077, 0, `${folder}: ${mode.toString(8)}`);
      }
    } finally {
      await server.close();
    }
  });
});
