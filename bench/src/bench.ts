import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuMeter, databasePids, type CpuShare } from './cpu';
import { createDatabase, type DatabaseKind } from './database';
import type { LoadPlan, LoadResult, ScenarioName } from './loadgen';
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
  unchecked: LoadResult;
  checked: LoadResult;
  /** How many ended sessions the checked server listed when the measurement began. */
  revokedSessions: number;
  peakRssMb: number;
  uncheckedCpu: CpuShare;
  checkedCpu: CpuShare;
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
): Promise<{ result: LoadResult; peakRssMb: number; cpu: CpuShare }> {
  const workers = await workerPlans(target, options.connections);
  const first = workers[0]?.session.access ?? '';
  const plan: LoadPlan = {
    origin: target.origin,
    scenario,
    workers,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
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

function summary(result: LoadResult): string {
  return `${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors`;
}

function cpuSummary(cpu: CpuShare): string {
  return `CPU cores: server ${cpu.server.toFixed(2)}, load ${cpu.loadGenerator.toFixed(2)}, database ${cpu.database.toFixed(2)}, other ${cpu.other.toFixed(2)}`;
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
          if (measured === undefined || candidate.cpu.other < measured.cpu.other) {
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
        const disturbance = (row: Omit<StormRow, 'database'>): number =>
          Math.max(row.baselineCpu.other, row.underStormCpu.other);
        if (storm === undefined || disturbance(candidate) < disturbance(storm)) {
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
 * The guarded path without the revocation check and with it, each on a fresh server of the
 * same build. The ratio is near 1, so the two alternate (A B, B A, …) for drift on the machine
 * to fall on both, and each keeps its run with the least interference from other processes.
 */
async function measureRevocationCheck(
  database: DatabaseKind,
  options: BenchOptions,
): Promise<RevocationRow> {
  type Run = Awaited<ReturnType<typeof measure>> & { revokedSessions: number };
  const leastDisturbed = (best: Run | undefined, run: Run): Run =>
    best === undefined || run.cpu.other < best.cpu.other ? run : best;
  let unchecked: Run | undefined;
  let checked: Run | undefined;
  const measureUnchecked = async (): Promise<void> => {
    const run = await withTarget(
      'seamless',
      database,
      options,
      options.connections,
      async (target, dir, db) => ({
        revokedSessions: 0,
        ...(await measure(target, dir, db, 'guarded', options, 0)),
      }),
      { REVOCATION_CHECK: 'false' },
    );
    unchecked = leastDisturbed(unchecked, run);
  };
  const measureChecked = async (): Promise<void> => {
    const run = await withTarget(
      'seamless',
      database,
      options,
      options.connections + REVOKED_SESSIONS,
      async (target, dir, db) => {
        const revokedSessions = await endSessions(
          target,
          Array.from({ length: REVOKED_SESSIONS }, (_, i) => benchUser(options.connections + i)),
        );
        return { revokedSessions, ...(await measure(target, dir, db, 'guarded', options, 0)) };
      },
    );
    checked = leastDisturbed(checked, run);
  };
  for (let round = 0; round < Math.max(2, options.repeat); round++) {
    const order =
      round % 2 === 0 ? [measureUnchecked, measureChecked] : [measureChecked, measureUnchecked];
    for (const run of order) {
      await run();
    }
  }
  if (unchecked === undefined || checked === undefined) {
    throw new Error('the revocation check was not measured');
  }
  return {
    database,
    unchecked: unchecked.result,
    checked: checked.result,
    revokedSessions: checked.revokedSessions,
    peakRssMb: Math.max(unchecked.peakRssMb, checked.peakRssMb),
    uncheckedCpu: unchecked.cpu,
    checkedCpu: checked.cpu,
  };
}
