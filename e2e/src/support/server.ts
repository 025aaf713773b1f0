import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startSeamless, type RunningServer } from '@seamless/testing';
import { ROOT_DIR } from './paths.js';

export type { RunningServer };

const WEB_DIR = join(ROOT_DIR, 'web/dist');

/**
 * The built server serving the built demo app, on a fresh database, with the given
 * extra environment (short TTLs). Accounts are made per test, so no demo user.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    throw new Error(
      `${WEB_DIR} is missing: run \`npm run build -w web\` (or \`npm run build\`) first.`,
    );
  }
  return startSeamless({ WEB_DIR, SEED_DEMO_USER: 'false', ...env });
}
