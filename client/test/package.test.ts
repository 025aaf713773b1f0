// The library as a user gets it: `npm pack`ed, installed from the tarball into scratch
// ESM, CommonJS and TypeScript projects that have never seen this repository (and have
// no axios), then imported and type-checked.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './helpers/server.js';

const run = promisify(execFile);
const clientDir = join(repoRoot(), 'client');
const tsc = join(repoRoot(), 'node_modules', 'typescript', 'bin', 'tsc');

let scratch = '';
let tarball = '';

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'seamless-pack-'));
  // `prepack` builds the library first.
  await run('npm', ['pack', '--pack-destination', scratch, '--silent'], {
    cwd: clientDir,
    timeout: 120_000,
  });
  const packed = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
  assert.ok(packed, 'npm pack made a tarball');
  tarball = join(scratch, packed);
});

after(async () => {
  if (scratch) {
    await rm(scratch, { recursive: true, force: true });
  }
});

/** A fresh project with these files and the tarball installed (offline: it has no dependencies). */
async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) {
    await writeFile(join(dir, file), text);
  }
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', tarball], {
    cwd: dir,
    timeout: 120_000,
  });
  return dir;
}

const node = async (dir: string, file: string): Promise<string> =>
  (await run(process.execPath, [file], { cwd: dir, timeout: 30_000 })).stdout.trim();

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: [],
    noEmit: true,
  },
};

void describe('the packed library', () => {
  void test('imports from a scratch ESM project, with every subpath', async () => {
    const dir = await project('esm', {
      'package.json': JSON.stringify({ name: 'esm-app', private: true, type: 'module' }),
      'main.js': `
        import { createAuthClient, createFetch, memoryStore, isSessionExpiredError } from '@seamless/client';
        import { attachAxios } from '@seamless/client/axios';
        import { createAuthCore, createHttpApi, decodeJwtPayload } from '@seamless/client/core';
        const auth = createAuthClient({ storage: memoryStore(), baseURL: 'http://127.0.0.1:9' });
        const kinds = [createFetch, attachAxios, createAuthCore, createHttpApi, decodeJwtPayload].map((f) => typeof f);
        console.log(JSON.stringify({ kinds, signedIn: await auth.isAuthenticated(), guard: isSessionExpiredError(new Error()) }));
      `,
    });
    assert.deepEqual(JSON.parse(await node(dir, 'main.js')), {
      kinds: ['function', 'function', 'function', 'function', 'function'],
      signedIn: false,
      guard: false,
    });
  });

  void test('requires from a scratch CommonJS project', async () => {
    const dir = await project('cjs', {
      'package.json': JSON.stringify({ name: 'cjs-app', private: true, type: 'commonjs' }),
      'main.js': `
        const { createAuthClient, memoryStore, SessionExpiredError, isSessionExpiredError } = require('@seamless/client');
        const { attachAxios } = require('@seamless/client/axios');
        const { createAuthCore } = require('@seamless/client/core');
        const auth = createAuthClient({ storage: memoryStore() });
        auth.refresh().catch((error) => {
          console.log(JSON.stringify({
            expired: isSessionExpiredError(error) && error instanceof SessionExpiredError,
            kinds: [attachAxios, createAuthCore].map((f) => typeof f),
          }));
        });
      `,
    });
    assert.deepEqual(JSON.parse(await node(dir, 'main.js')), {
      expired: true,
      kinds: ['function', 'function'],
    });
  });

  void test('type-checks in a strict TypeScript project without axios (skipLibCheck off)', async () => {
    const dir = await project('ts', {
      'package.json': JSON.stringify({ name: 'ts-app', private: true, type: 'module' }),
      'tsconfig.json': JSON.stringify(TSCONFIG),
      'app.ts': `
        import { createAuthClient, createFetch, isSessionExpiredError, type AuthClientOptions } from '@seamless/client';
        const options: AuthClientOptions = { baseURL: '', refreshTimeout: 3000, origins: ['https://api.example.test'] };
        export const auth = createAuthClient(options);
        export const authFetch: typeof fetch = createFetch(auth);
        auth.on('sessionExpired', (error) => console.log(isSessionExpiredError(error), error.status));
      `,
      'legacy.cts': `
        import client = require('@seamless/client');
        export const auth = client.createAuthClient({ storage: client.memoryStore() });
      `,
    });
    await run(process.execPath, [tsc, '-p', dir], { timeout: 120_000 });
  });

  void test('type-checks the axios adapter where axios is installed', async () => {
    const dir = await project('ts-axios', {
      'package.json': JSON.stringify({ name: 'ts-axios-app', private: true, type: 'module' }),
      'tsconfig.json': JSON.stringify(TSCONFIG),
      'app.ts': `
        import axios from 'axios';
        import { createAuthClient } from '@seamless/client';
        import { attachAxios } from '@seamless/client/axios';
        const api = axios.create();
        attachAxios(createAuthClient(), api);
        void api.get('/bbb', { seamless: { skip: true } });
      `,
    });
    await symlink(join(repoRoot(), 'node_modules', 'axios'), join(dir, 'node_modules', 'axios'));
    await run(process.execPath, [tsc, '-p', dir], { timeout: 120_000 });
  });
});
