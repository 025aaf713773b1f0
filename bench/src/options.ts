import { ALL_SCENARIOS, ALL_TARGETS, defaultPinning, type BenchOptions } from './bench';
import type { DatabaseKind } from './database';
import type { ScenarioName } from './loadgen';
import type { TargetName } from './targets';

/** What the command line adds to the benchmark options. */
export interface CliOptions {
  bench: BenchOptions;
  /** Where to write RESULTS.md, or undefined not to write it. */
  out?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new Error(`unknown ${what} "${item}" (expected ${allowed.join(', ')})`);
    }
  }
  return items as T[];
}

function seconds(value: string, what: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${what} must be a number of seconds, got "${value}"`);
  }
  return Math.round(parsed * 1000);
}

function positiveInteger(value: string, what: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new Error(`${what} must be a positive whole number, got "${value}"`);
  }
  return parsed;
}

/**
 * Reads the options from `--name=value` flags, falling back to BENCH_* variables:
 * duration, warmup (seconds), connections, databases (sqlite,mysql,postgres), scenarios,
 * targets, storm (on/off), storm-connections, revocation (on/off), many-tokens, repeat,
 * pin (on/off), server-cpus, load-cpus,
 * server-node-args, out (RESULTS.md path; `--no-write` for none).
 */
export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  defaultOut: string,
): CliOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      throw new Error(`unexpected argument "${arg}"`);
    }
    flags.set(match[2], match[1] ? 'off' : (match[3] ?? 'on'));
  }
  const get = (name: string): string | undefined =>
    flags.get(name) ?? env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const on = (name: string, fallback: boolean): boolean => {
    const value = get(name);
    return value === undefined ? fallback : !['off', '0', 'false', 'no'].includes(value);
  };

  const mysqlUrl = env.BENCH_MYSQL_URL ?? env.TEST_MYSQL_URL;
  const pgUrl = env.BENCH_PG_URL ?? env.TEST_PG_URL;
  for (const [what, url] of [
    ['MySQL', mysqlUrl],
    ['PostgreSQL', pgUrl],
  ] as const) {
    if (url !== undefined && !LOOPBACK.has(new URL(url).hostname)) {
      throw new Error(
        `the ${what} URL must point at a loopback address, got ${new URL(url).hostname}`,
      );
    }
  }
  const databasesValue = get('databases');
  const databases: DatabaseKind[] =
    databasesValue === undefined
      ? [
          'sqlite',
          ...(mysqlUrl === undefined ? [] : ['mysql' as const]),
          ...(pgUrl === undefined ? [] : ['postgres' as const]),
        ]
      : list(databasesValue, ['sqlite', 'mysql', 'postgres'] as const, 'database');
  if (databases.includes('mysql') && mysqlUrl === undefined) {
    throw new Error('the mysql database needs BENCH_MYSQL_URL or TEST_MYSQL_URL');
  }
  if (databases.includes('postgres') && pgUrl === undefined) {
    throw new Error('the postgres database needs BENCH_PG_URL or TEST_PG_URL');
  }
  const scenarios: ScenarioName[] = list(
    get('scenarios') ?? ALL_SCENARIOS.join(','),
    ALL_SCENARIOS,
    'scenario',
  );
  const targets: TargetName[] = list(
    get('targets') ?? ALL_TARGETS.join(','),
    ALL_TARGETS,
    'target',
  );
  const pinning = on('pin', true) ? defaultPinning() : {};
  const serverArgs = get('server-node-args');
  const out = flags.get('write') === 'off' ? undefined : (get('out') ?? defaultOut);

  return {
    out,
    bench: {
      durationMs: seconds(get('duration') ?? '10', 'duration'),
      warmupMs: seconds(get('warmup') ?? '3', 'warmup'),
      connections: positiveInteger(get('connections') ?? '32', 'connections'),
      databases,
      scenarios,
      targets,
      storm: on('storm', true),
      revocation: on('revocation', true),
      stormConnections: positiveInteger(get('storm-connections') ?? '4', 'storm-connections'),
      manyTokens: positiveInteger(get('many-tokens') ?? '20000', 'many-tokens'),
      repeat: positiveInteger(get('repeat') ?? '1', 'repeat'),
      mysqlUrl,
      pgUrl,
      serverCpus: get('server-cpus') ?? pinning.serverCpus,
      loadCpus: get('load-cpus') ?? pinning.loadCpus,
      serverNodeArgs: serverArgs === undefined ? [] : serverArgs.split(' ').filter((a) => a !== ''),
      log: (line) => console.error(line),
    },
  };
}
