import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuMeter, databasePids, disturbance, type CpuShare } from './cpu';
import { createDatabase, type DatabaseKind } from './database';
import type { LoadPlan, LoadResult, ScenarioName, Stats, WorkerPlan } from './loadgen';
import { median } from './median';
import { PeakRss } from './rss';
import {
  endSessions,
  registerUsers,
  spoil,
  startTarget,
  workerPlans,
  type RunningTarget,
  type TargetName,
} from './targets';
import { distinctTokens } from './tokens';
import { benchUser } from './users';

/** Every scenario, in the order they run and are reported. */
export const ALL_SCENARIOS: readonly ScenarioName[] = [
  'guarded',
  'guarded-many',
  'rejected',
  'refresh',
  'login',
  'mixed',
];
/** Every target, in report order. */
export const ALL_TARGETS: readonly TargetName[] = ['seamless', 'kit', 'tutorial', 'ceiling'];
/** The ceiling only answers /bbb, for its one token. */
export const CEILING_SCENARIOS: readonly ScenarioName[] = ['guarded', 'rejected'];
/** The kit's service only verifies tokens: it has no refresh or login of its own. */
export const KIT_SCENARIOS: readonly ScenarioName[] = ['guarded', 'guarded-many', 'rejected'];

/** Whether a target answers a scenario. */
export function runsScenario(target: TargetName, scenario: ScenarioName): boolean {
  switch (target) {
    case 'ceiling':
      return CEILING_SCENARIOS.includes(scenario);
    case 'kit':
      return KIT_SCENARIOS.includes(scenario);
    case 'seamless':
    case 'tutorial':
      return true;
  }
}

/** What a run measures and how. */
export interface BenchOptions {
  durationMs: number;
  warmupMs: number;
  connections: number;
  databases: DatabaseKind[];
  scenarios: ScenarioName[];
  targets: TargetName[];
  /** Run the login-storm measurement (Seamless only). */
  storm: boolean;
  stormConnections: number;
  /** Measure the guarded path with the revocation check against without it (Seamless only). */
  revocation: boolean;
  /**
   * Distinct valid tokens cycled by `guarded-many`: more than the verified-token cache
   * holds (10,000), so that each request brings a token the server has to verify.
   */
  manyTokens: number;
  /**
   * Measurements per scenario and target; the report keeps the one during which other
   * processes took the least CPU (chosen on conditions, never on the outcome).
   */
  repeat: number;
  mysqlUrl?: string;
  pgUrl?: string;
  /** `taskset` CPU lists; undefined leaves scheduling to the OS. */
  serverCpus?: string;
  loadCpus?: string;
  /** Extra Node options for the servers (for example `--cpu-prof`). */
  serverNodeArgs: string[];
  log: (line: string) => void;
}

/** One scenario against one target on one database. */
export interface ScenarioRow {
  database: DatabaseKind;
  scenario: ScenarioName;
  target: TargetName;
  result: LoadResult;
  peakRssMb: number;
  cpu: CpuShare;
}

/** Seamless's `guarded` p99 alone and under a concurrent login storm, on one server. */
export interface StormRow {
  database: DatabaseKind;
  baseline: LoadResult;
  underStorm: LoadResult;
  peakRssMb: number;
  baselineCpu: CpuShare;
  underStormCpu: CpuShare;
}

/**
 * Seamless's `guarded` on two fresh servers of one build: one with REVOCATION_CHECK=false,
 * one as shipped, with sessions ended beforehand so that its list is not empty.
 */
export interface RevocationRow {
  database: DatabaseKind;
  /** Every slice of each side together; p50 and p99 are the medians of the slices'. */
  unchecked: Stats;
  checked: Stats;
  /** How many ended sessions the checked server listed when the measurement began. */
  revokedSessions: number;
  peakRssMb: number;
  uncheckedCpu: CpuShare;
  checkedCpu: CpuShare;
}

/** What one measurement of a running target gives. */
interface Measured {
  result: LoadResult;
  peakRssMb: number;
  cpu: CpuShare;
}

/** Sessions ended on the checked server before its measurement. */
export const REVOKED_SESSIONS = 64;

/** Everything one run measured. */
export interface BenchResults {
  options: BenchOptions;
  rows: ScenarioRow[];
  storms: StormRow[];
  revocations: RevocationRow[];
  startedAt: Date;
  finishedAt: Date;
}

/** Default CPU pinning: server and load generator on cores of their own when there are two. */
export function defaultPinning(): { serverCpus?: string; loadCpus?: string } {
  return availableParallelism() >= 2 ? { serverCpus: '0', loadCpus: '1' } : {};
}

/** Runs the load generator as its own (optionally pinned) process. */
async function generateLoad(
  plan: LoadPlan,
  dir: string,
  options: BenchOptions,
): Promise<LoadResult> {
  const planFile = join(dir, `plan-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(planFile, JSON.stringify(plan));
  const nodeCommand = [process.execPath, join(__dirname, 'loadgen.js'), planFile];
  const command =
    options.loadCpus === undefined
      ? nodeCommand
      : ['taskset', '-c', options.loadCpus, ...nodeCommand];
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const limitMs = plan.warmupMs + plan.durationMs + 120_000;
  const code = await new Promise<number | null>((resolveExit) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolveExit(exitCode);
    });
  });
  const line = stdout.trim().split('\n').pop();
  if (code !== 0 || line === undefined || line === '') {
    throw new Error(`load generator failed (${String(code)}): ${stderr}`);
  }
  return JSON.parse(line) as LoadResult;
}

/** One fresh server on one fresh database, stopped and removed afterwards. */
async function withTarget<T>(
  name: TargetName,
  database: DatabaseKind,
  options: BenchOptions,
  usersNeeded: number,
  body: (target: RunningTarget, dir: string, database: DatabaseKind) => Promise<T>,
  env?: Record<string, string>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const db = await createDatabase(database, name, dir, options);
  let target: RunningTarget | undefined;
  try {
    target = await startTarget(name, {
      databaseUrl: db.url,
      tmpDir: dir,
      benchUsers: usersNeeded,
      cpus: options.serverCpus,
      nodeArgs: options.serverNodeArgs,
      env,
    });
    await registerUsers(
      target,
      Array.from({ length: usersNeeded }, (_, i) => benchUser(i)),
    );
    return await body(target, dir, database);
  } finally {
    await target?.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(
  target: RunningTarget,
  dir: string,
  database: DatabaseKind,
  scenario: ScenarioName,
  options: BenchOptions,
  stormUsers: number,
  slice?: { workers: WorkerPlan[]; warmupMs: number; durationMs: number },
): Promise<Measured> {
  const workers = slice?.workers ?? (await workerPlans(target, options.connections));
  const first = workers[0]?.session.access ?? '';
  const plan: LoadPlan = {
    origin: target.origin,
    scenario,
    workers,
    warmupMs: slice?.warmupMs ?? options.warmupMs,
    durationMs: slice?.durationMs ?? options.durationMs,
    refreshStyle: target.refreshStyle,
    invalidToken: target.name === 'ceiling' ? 'spoiled-token' : spoil(first),
    manyTokens:
      scenario === 'guarded-many'
        ? await distinctTokens(
            target,
            workers.map((worker) => worker.session.access),
            options.manyTokens,
          )
        : undefined,
    stormWorkers:
      stormUsers > 0
        ? Array.from({ length: stormUsers }, (_, i) => benchUser(options.connections + i))
        : undefined,
    seed: 20240601,
  };
  const rss = new PeakRss(target.pid);
  const meter = new CpuMeter(target.pid, () => databasePids(database));
  try {
    const result = await generateLoad(plan, dir, options);
    return { result, peakRssMb: rss.stop(), cpu: meter.finish(result.cpuMs) };
  } catch (error) {
    rss.stop();
    throw error;
  }
}

function summary(result: Stats): string {
  return `${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`;
}

function cpuSummary(cpu: CpuShare): string {
  return `CPU cores: server ${cpu.server.toFixed(2)}, load ${cpu.loadGenerator.toFixed(2)}, database ${cpu.database.toFixed(2)}, other ${cpu.other.toFixed(2)}, stolen ${cpu.stolen.toFixed(2)}`;
}

/** Runs every selected scenario against every selected target on every selected database. */
export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date();
  const rows: ScenarioRow[] = [];
  const storms: StormRow[] = [];
  const revocations: RevocationRow[] = [];
  for (const database of options.databases) {
    for (const scenario of options.scenarios) {
      for (const name of options.targets) {
        if (!runsScenario(name, scenario)) {
          continue;
        }
        let measured: Awaited<ReturnType<typeof measure>> | undefined;
        for (let attempt = 0; attempt < Math.max(1, options.repeat); attempt++) {
          const candidate = await withTarget(
            name,
            database,
            options,
            options.connections,
            (target, dir, db) => measure(target, dir, db, scenario, options, 0),
          );
          if (measured === undefined || disturbance(candidate.cpu) < disturbance(measured.cpu)) {
            measured = candidate;
          }
        }
        if (measured === undefined) {
          continue;
        }
        rows.push({ database, scenario, target: name, ...measured });
        options.log(
          `${database} ${scenario} ${name}: ${summary(measured.result)}, peak RSS ${measured.peakRssMb.toFixed(0)} MB, ${cpuSummary(measured.cpu)}`,
        );
      }
    }
    if (options.storm && options.targets.includes('seamless')) {
      const users = options.connections + options.stormConnections;
      let storm: Omit<StormRow, 'database'> | undefined;
      for (let attempt = 0; attempt < Math.max(1, options.repeat); attempt++) {
        const candidate = await withTarget(
          'seamless',
          database,
          options,
          users,
          async (target, dir, db) => {
            const baseline = await measure(target, dir, db, 'guarded', options, 0);
            const underStorm = await measure(
              target,
              dir,
              db,
              'guarded',
              options,
              options.stormConnections,
            );
            return {
              baseline: baseline.result,
              underStorm: underStorm.result,
              peakRssMb: Math.max(baseline.peakRssMb, underStorm.peakRssMb),
              baselineCpu: baseline.cpu,
              underStormCpu: underStorm.cpu,
            };
          },
        );
        const disturbed = (row: Omit<StormRow, 'database'>): number =>
          Math.max(disturbance(row.baselineCpu), disturbance(row.underStormCpu));
        if (storm === undefined || disturbed(candidate) < disturbed(storm)) {
          storm = candidate;
        }
      }
      if (storm === undefined) {
        continue;
      }
      storms.push({ database, ...storm });
      options.log(
        `${database} login storm: guarded alone ${summary(storm.baseline)}; under storm ${summary(storm.underStorm)}; storm logins ${storm.underStorm.storm?.rps.toFixed(0) ?? '?'} req/s`,
      );
    }
    if (options.revocation && options.targets.includes('seamless')) {
      const row = await measureRevocationCheck(database, options);
      revocations.push(row);
      options.log(
        `${database} revocation check: without ${summary(row.unchecked)}; with (${row.revokedSessions} ended sessions listed) ${summary(row.checked)}`,
      );
    }
  }
  return { options, rows, storms, revocations, startedAt, finishedAt: new Date() };
}

/**
 * Slices per side (and per --repeat) in the revocation comparison, taken in turns:
 * A B B A A B …. On a shared VM one-second slices vary by ±20 %, so it takes many.
 */
const REVOCATION_SLICES = 10;

/**
 * The guarded path without the revocation check and with it: two servers of the same build,
 * up side by side, loaded in turns of short slices (A B B A …) so that drift on the machine
 * (another process, a neighbour on the host) falls on both alike. The ratio is near 1, and
 * ten seconds of one then ten of the other measured mostly that drift.
 */
async function measureRevocationCheck(
  database: DatabaseKind,
  options: BenchOptions,
): Promise<RevocationRow> {
  const slices = REVOCATION_SLICES * Math.max(1, options.repeat);
  const window = {
    // The server is warm: this only opens the connections.
    warmupMs: Math.min(500, options.warmupMs),
    durationMs: Math.max(1_000, (2 * options.durationMs) / slices),
  };
  return withTarget(
    'seamless',
    database,
    options,
    options.connections,
    (unchecked, uncheckedDir, db) =>
      withTarget(
        'seamless',
        database,
        options,
        options.connections + REVOKED_SESSIONS,
        async (checked, checkedDir) => {
          const revokedSessions = await endSessions(
            checked,
            Array.from({ length: REVOKED_SESSIONS }, (_, i) => benchUser(options.connections + i)),
          );
          const sides = await Promise.all(
            [
              { target: unchecked, dir: uncheckedDir },
              { target: checked, dir: checkedDir },
            ].map(async (side) => ({
              ...side,
              workers: await workerPlans(side.target, options.connections),
              measured: [] as Measured[],
            })),
          );
          for (let slice = 0; slice < slices; slice++) {
            for (const side of slice % 2 === 0 ? sides : [...sides].reverse()) {
              side.measured.push(
                await measure(side.target, side.dir, db, 'guarded', options, 0, {
                  ...window,
                  workers: side.workers,
                }),
              );
            }
          }
          const [without, withCheck] = sides.map((side) => combined(side.measured));
          return {
            database,
            unchecked: without.stats,
            checked: withCheck.stats,
            revokedSessions,
            peakRssMb: Math.max(without.peakRssMb, withCheck.peakRssMb),
            uncheckedCpu: without.cpu,
            checkedCpu: withCheck.cpu,
          };
        },
      ),
    { REVOCATION_CHECK: 'false' },
  );
}

/** Slices of one side as one measurement: counts summed, latencies and CPU shares their medians. */
function combined(measured: Measured[]): { stats: Stats; peakRssMb: number; cpu: CpuShare } {
  const results = measured.map((m) => m.result);
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const seconds = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
  const statuses: Record<string, number> = {};
  for (const result of results) {
    for (const [status, count] of Object.entries(result.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  const cpuOf = (key: keyof CpuShare): number => median(measured.map((m) => m.cpu[key]));
  return {
    stats: {
      requests,
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      rps: seconds > 0 ? requests / seconds : 0,
      p50Ms: median(results.map((r) => r.p50Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      statuses,
    },
    peakRssMb: Math.max(...measured.map((m) => m.peakRssMb)),
    cpu: {
      server: cpuOf('server'),
      loadGenerator: cpuOf('loadGenerator'),
      database: cpuOf('database'),
      other: cpuOf('other'),
      stolen: cpuOf('stolen'),
    },
  };
}
