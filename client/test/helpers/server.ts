// The real Seamless server as a child process on a fresh SQLite file, with the short
// access-token lifetime these tests expect, alone or behind a counting proxy.
import { after } from 'node:test';
import { startSeamless, type RunningServer } from '@seamless/testing';
import { CountingProxy } from './proxy.js';

export { repoRoot, type RunningServer } from '@seamless/testing';

/** Starts the server with short TTLs (overridable through `env`) and waits until it listens. */
export function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startSeamless({ ACCESS_TOKEN_TTL: '3s', REFRESH_TOKEN_TTL: '1h', ...env });
}

/**
 * The server (as `startServer(env)`) behind a counting proxy, for the tests of the file
 * that calls this at its top level: both stop after them.
 */
export async function serverBehindProxy(
  env: Record<string, string> = {},
): Promise<{ server: RunningServer; proxy: CountingProxy }> {
  const server = await startServer(env);
  const proxy = await new CountingProxy(server.url).start().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  after(async () => {
    await proxy.close();
    await server.stop();
  });
  return { server, proxy };
}
