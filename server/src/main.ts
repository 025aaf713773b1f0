import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { createApp } from './app.factory';
import { ConfigError, loadConfig, type AppConfig } from './config/config';

// V8 lets the old generation grow to several times the live heap under a high
// allocation rate (a refresh storm reached 290 MB with a 40 MB live heap). A smaller
// growing factor bounds the heap: 40 % kept logins, refreshes and token checks together
// (the benchmark's `mixed`) under 200 MB, where 60 % reached 203 MB, at no throughput
// the benchmark could tell apart.
setFlagsFromString('--heap-growing-percent=40');

/** In-flight requests get this long to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`Seamless listening on http://127.0.0.1:${config.port}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stdout.write(`${signal}: finishing in-flight requests\n`);
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Seamless failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
