import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { after, before } from 'node:test';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';
import { createTestDatabase, type TestDatabase } from './databases';
import { Api } from './http';
import { LOOPBACK_LIMITS } from './limits';

export interface TestServer {
  url: string;
  app: NestFastifyApplication;
  keysFile: string;
  close(): Promise<void>;
}

/**
 * The real application, configured through the same environment variables as in
 * production, listening on a free loopback port.
 */
export async function startServer(env: Record<string, string>): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-keys-'));
  const keysFile = env.KEYS_FILE ?? join(dir, 'keys.json');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIR: join(dir, 'no-web'),
    KEYS_FILE: keysFile,
    ...LOOPBACK_LIMITS,
    ...env,
  });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    keysFile,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServerFixture {
  db: TestDatabase;
  server: TestServer;
  api: Api;
}

/**
 * Inside a describe: a fresh database of `kind` and the real app on it, started before
 * the suite's tests and torn down after them. Read the fields inside tests and hooks.
 */
export function serveFreshDatabase(
  kind: TestDatabase['name'],
  env: Record<string, string> = {},
): ServerFixture {
  const fixture = {} as ServerFixture;
  before(async () => {
    fixture.db = await createTestDatabase(kind);
    fixture.server = await startServer({ DATABASE_URL: fixture.db.url, ...env });
    fixture.api = new Api(fixture.server.url);
  });
  after(async () => {
    await fixture.server?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
