// The real Seamless server as a child process on a fresh SQLite file, with the short
// access-token lifetime these tests expect.
import { startSeamless, type RunningServer } from '@seamless/testing';

export { repoRoot, type RunningServer } from '@seamless/testing';

/** Starts the server with short TTLs (overridable through `env`) and waits until it listens. */
export function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startSeamless({ ACCESS_TOKEN_TTL: '3s', REFRESH_TOKEN_TTL: '1h', ...env });
}
