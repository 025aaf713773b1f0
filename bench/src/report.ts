import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ALL_SCENARIOS, type BenchResults, type ScenarioRow } from './bench';
import { disturbance, type CpuShare } from './cpu';
import type { DatabaseKind } from './database';
import type { ConnectionView, ScenarioName } from './loadgen';
import { median } from './median';
import { REPO_ROOT, TARGET_LABELS as TARGET_LABEL, type TargetName } from './targets';

const DATABASE_LABELS: Record<DatabaseKind, string> = {
  sqlite: 'SQLite',
  mysql: 'MariaDB',
  postgres: 'PostgreSQL',
};
const ORDER: readonly TargetName[] = ['seamless', 'kit', 'tutorial', 'ceiling'];

/** One target of the benchmark and whether this run meets it. */
export interface TargetCheck {
  name: string;
  database: string;
  measured: string;
  required: string;
  /** undefined when the run did not measure what the target needs. */
  holds: boolean | undefined;
}

/** Peak RSS Seamless may reach in any scenario. */
export const RSS_LIMIT_MB = 200;
/** Every storm login must be answered (200, or 503 at once) within this. */
export const STORM_LOGIN_ANSWER_MS = 2500;

/** The fewest completions on one connection as a share of the median connection's. */
export function fewestVsMedian(view: ConnectionView): number | undefined {
  const middle = median(view.completions);
  return middle > 0 ? Math.min(...view.completions) / middle : undefined;
}

function find(
  rows: ScenarioRow[],
  database: DatabaseKind,
  scenario: ScenarioName,
  target: TargetName,
): ScenarioRow | undefined {
  return rows.find(
    (r) => r.database === database && r.scenario === scenario && r.target === target,
  );
}

const fixed = (value: number, digits: number): string => value.toFixed(digits);
const ratio = (value: number): string => `${value.toFixed(2)}×`;

function cells(rows: (ScenarioRow | undefined)[], format: (row: ScenarioRow) => string): string {
  return rows.map((row) => (row ? format(row) : '–')).join(' / ');
}

/** The side-by-side table of one database. */
function databaseTable(results: BenchResults, database: DatabaseKind): string {
  const lines = [
    '| scenario | req/s Seamless | req/s kit | req/s tutorial | req/s ceiling | Seamless ÷ tutorial | kit ÷ tutorial | Seamless ÷ ceiling | p50 ms S / K / T / C | p99 ms S / K / T / C | errors S / K / T / C | peak RSS MB S / K / T / C |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of ALL_SCENARIOS) {
    const row = ORDER.map((target) => find(results.rows, database, scenario, target));
    if (row.every((r) => r === undefined)) {
      continue;
    }
    const [s, k, t, c] = row;
    const rps = (r: ScenarioRow | undefined): string => (r ? fixed(r.result.rps, 0) : '–');
    const over = (a: ScenarioRow | undefined, b: ScenarioRow | undefined): string =>
      a && b && b.result.rps > 0 ? ratio(a.result.rps / b.result.rps) : '–';
    lines.push(
      [
        '',
        scenario,
        rps(s),
        rps(k),
        rps(t),
        rps(c),
        over(s, t),
        over(k, t),
        over(s, c),
        cells(row, (r) => fixed(r.result.p50Ms, 2)),
        cells(row, (r) => fixed(r.result.p99Ms, 2)),
        cells(row, (r) => String(r.result.errors)),
        cells(row, (r) => fixed(r.peakRssMb, 0)),
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  return lines.join('\n');
}

function stormTable(results: BenchResults): string {
  const lines = [
    '| database | guarded req/s alone | under storm | guarded p99 ms alone | under storm | p99 ratio | storm logins/s | errors (guarded / logins) | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const storm of results.storms) {
    const p99Ratio = storm.baseline.p99Ms > 0 ? storm.underStorm.p99Ms / storm.baseline.p99Ms : 0;
    lines.push(
      `| ${DATABASE_LABELS[storm.database]} | ${fixed(storm.baseline.rps, 0)} | ${fixed(storm.underStorm.rps, 0)} | ${fixed(storm.baseline.p99Ms, 2)} | ${fixed(storm.underStorm.p99Ms, 2)} | ${ratio(p99Ratio)} | ${fixed(storm.underStorm.storm?.rps ?? 0, 1)} | ${storm.baseline.errors + storm.underStorm.errors} / ${storm.underStorm.storm?.errors ?? 0} | ${fixed(storm.peakRssMb, 0)} |`,
    );
  }
  return lines.join('\n');
}

function revocationTable(results: BenchResults): string {
  const lines = [
    '| database | guarded req/s without check | with check | with ÷ without | p99 ms without / with | ended sessions listed | errors (without / with) | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of results.revocations) {
    const share = row.unchecked.rps > 0 ? row.checked.rps / row.unchecked.rps : 0;
    lines.push(
      `| ${DATABASE_LABELS[row.database]} | ${fixed(row.unchecked.rps, 0)} | ${fixed(row.checked.rps, 0)} | ${ratio(share)} | ${fixed(row.unchecked.p99Ms, 2)} / ${fixed(row.checked.p99Ms, 2)} | ${row.revokedSessions} | ${row.unchecked.errors} / ${row.checked.errors} | ${fixed(row.peakRssMb, 0)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Logins seen per connection: how evenly the server served them, and the longest any
 * one waited — counting requests still unanswered when the window closed.
 */
function loginConnectionsTable(results: BenchResults): string {
  const lines = [
    '| database | who logs in | connections | completions per connection min / median / max | login p50 ms | longest wait ms | unanswered at close | 503s |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (database: DatabaseKind, who: string, view: ConnectionView, p50: number) => {
    const counts = view.completions;
    lines.push(
      `| ${DATABASE_LABELS[database]} | ${who} | ${counts.length} | ${Math.min(...counts)} / ${median(counts)} / ${Math.max(...counts)} | ${fixed(p50, 1)} | ${fixed(view.longestWaitMs, 0)} | ${view.unfinished} | ${view.unavailable} |`,
    );
  };
  for (const row of results.rows.filter((r) => r.scenario === 'login')) {
    line(row.database, TARGET_LABEL[row.target], row.result.connections, row.result.p50Ms);
  }
  for (const storm of results.storms) {
    const view = storm.underStorm.stormConnections;
    if (view) {
      line(
        storm.database,
        'Seamless, beside saturating guarded traffic',
        view,
        storm.underStorm.storm?.p50Ms ?? 0,
      );
    }
  }
  return lines.join('\n');
}

const cores = (value: number): string => value.toFixed(2);

/**
 * Where the CPU went during each measurement: a server near 1.00 was the bottleneck; a
 * load generator near 1.00 means the number is the generator's limit; "other" is
 * everything else on the machine, and "stolen" the time the host ran other guests
 * instead of this VM: both disturb the measurement.
 */
function conditionsTable(results: BenchResults): string {
  const lines = [
    '| database | scenario | target | server CPU | load generator CPU | database server CPU | other processes CPU | stolen by the host |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  const line = (database: DatabaseKind, scenario: string, target: string, cpu: CpuShare) =>
    lines.push(
      `| ${DATABASE_LABELS[database]} | ${scenario} | ${target} | ${cores(cpu.server)} | ${cores(cpu.loadGenerator)} | ${cores(cpu.database)} | ${cores(cpu.other)} | ${cores(cpu.stolen)} |`,
    );
  for (const row of results.rows) {
    line(row.database, row.scenario, TARGET_LABEL[row.target], row.cpu);
  }
  for (const storm of results.storms) {
    line(storm.database, 'guarded alone', 'Seamless', storm.baselineCpu);
    line(storm.database, 'guarded + login storm', 'Seamless', storm.underStormCpu);
  }
  for (const row of results.revocations) {
    line(row.database, 'guarded, no revocation check', 'Seamless', row.uncheckedCpu);
    line(row.database, 'guarded, revocation check', 'Seamless', row.checkedCpu);
  }
  return lines.join('\n');
}

/** The largest CPU share other processes and other guests of the host took during any measurement, in cores. */
export function maxDisturbance(results: BenchResults): number {
  const shares = [
    ...results.rows.map((r) => disturbance(r.cpu)),
    ...results.storms.flatMap((s) => [disturbance(s.baselineCpu), disturbance(s.underStormCpu)]),
    ...results.revocations.flatMap((r) => [disturbance(r.uncheckedCpu), disturbance(r.checkedCpu)]),
  ];
  return shares.length > 0 ? Math.max(...shares) : 0;
}

/** Evaluates the benchmark's targets on what this run measured. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const database of results.options.databases) {
    const label = DATABASE_LABELS[database];
    const rowOf = (scenario: ScenarioName, target: TargetName) =>
      find(results.rows, database, scenario, target);
    const pair = (scenario: ScenarioName, other: TargetName) => ({
      s: rowOf(scenario, 'seamless'),
      o: rowOf(scenario, other),
    });
    const rpsAtLeast = (
      name: string,
      measured: ScenarioRow | undefined,
      reference: ScenarioRow | undefined,
      minimum: number,
    ): void => {
      const value =
        measured && reference && reference.result.rps > 0
          ? measured.result.rps / reference.result.rps
          : undefined;
      checks.push({
        name,
        database: label,
        measured: value === undefined ? 'not measured' : ratio(value),
        required: `≥ ${minimum}×`,
        holds: value === undefined ? undefined : value >= minimum,
      });
    };
    const atLeast = (
      name: string,
      scenario: ScenarioName,
      other: TargetName,
      minimum: number,
    ): void => {
      const { s, o } = pair(scenario, other);
      rpsAtLeast(name, s, o, minimum);
    };
    const ratioAtMost = (name: string, value: number | undefined, maximum: number): void => {
      checks.push({
        name,
        database: label,
        measured: value === undefined ? 'not measured' : ratio(value),
        required: `≤ ${maximum}×`,
        holds: value === undefined ? undefined : value <= maximum,
      });
    };
    atLeast('guarded req/s vs tutorial', 'guarded', 'tutorial', 8);
    atLeast('guarded req/s vs ceiling', 'guarded', 'ceiling', 0.5);
    const guarded = pair('guarded', 'tutorial');
    ratioAtMost(
      'guarded p99 vs tutorial',
      guarded.s && guarded.o && guarded.o.result.p99Ms > 0
        ? guarded.s.result.p99Ms / guarded.o.result.p99Ms
        : undefined,
      0.25,
    );
    atLeast('rejected req/s vs tutorial', 'rejected', 'tutorial', 8);
    atLeast('guarded-many req/s vs tutorial', 'guarded-many', 'tutorial', 10);
    rpsAtLeast(
      'guarded-many vs guarded (one token)',
      rowOf('guarded-many', 'seamless'),
      rowOf('guarded', 'seamless'),
      0.7,
    );
    rpsAtLeast(
      'kit guarded-many req/s vs tutorial',
      rowOf('guarded-many', 'kit'),
      rowOf('guarded-many', 'tutorial'),
      10,
    );
    rpsAtLeast(
      'kit guarded-many vs Seamless guarded (one token)',
      rowOf('guarded-many', 'kit'),
      rowOf('guarded', 'seamless'),
      0.7,
    );
    atLeast('refresh req/s vs tutorial', 'refresh', 'tutorial', database === 'postgres' ? 3 : 5);
    const storm = results.storms.find((s) => s.database === database);
    const stormRatio =
      storm && storm.baseline.p99Ms > 0 ? storm.underStorm.p99Ms / storm.baseline.p99Ms : undefined;
    ratioAtMost('guarded p99 under login storm vs alone', stormRatio, 3);
    const revocation = results.revocations.find((r) => r.database === database);
    const checkedShare =
      revocation && revocation.unchecked.rps > 0
        ? revocation.checked.rps / revocation.unchecked.rps
        : undefined;
    checks.push({
      name: 'guarded req/s with revocation check vs without',
      database: label,
      measured: checkedShare === undefined ? 'not measured' : ratio(checkedShare),
      required: '≥ 0.95×',
      holds: checkedShare === undefined ? undefined : checkedShare >= 0.95,
    });
    const login = find(results.rows, database, 'login', 'seamless');
    const fewest = login ? fewestVsMedian(login.result.connections) : undefined;
    checks.push({
      name: 'login: fewest completions on a connection vs the median',
      database: label,
      measured: fewest === undefined ? 'not measured' : ratio(fewest),
      required: '≥ 0.5×',
      holds: fewest === undefined ? undefined : fewest >= 0.5,
    });
    ratioAtMost(
      'login: longest wait vs median latency',
      login && login.result.p50Ms > 0
        ? login.result.connections.longestWaitMs / login.result.p50Ms
        : undefined,
      3,
    );
    const stormLogins = storm?.underStorm.stormConnections;
    checks.push({
      name: 'login storm: every login answered (200 or 503) within',
      database: label,
      measured:
        stormLogins === undefined ? 'not measured' : `${stormLogins.longestWaitMs.toFixed(0)} ms`,
      required: `≤ ${STORM_LOGIN_ANSWER_MS} ms`,
      holds:
        stormLogins === undefined ? undefined : stormLogins.longestWaitMs <= STORM_LOGIN_ANSWER_MS,
    });
    const rss = [
      ...results.rows
        .filter((r) => r.database === database && r.target === 'seamless')
        .map((r) => r.peakRssMb),
      ...results.storms.filter((s) => s.database === database).map((s) => s.peakRssMb),
      ...results.revocations.filter((r) => r.database === database).map((r) => r.peakRssMb),
    ];
    const peak = rss.length > 0 ? Math.max(...rss) : undefined;
    checks.push({
      name: 'Seamless peak RSS (any scenario)',
      database: label,
      measured: peak === undefined ? 'not measured' : `${peak.toFixed(0)} MB`,
      required: `≤ ${RSS_LIMIT_MB} MB`,
      holds: peak === undefined ? undefined : peak <= RSS_LIMIT_MB,
    });
    const kitRss = results.rows
      .filter((r) => r.database === database && r.target === 'kit')
      .map((r) => r.peakRssMb);
    const kitPeak = kitRss.length > 0 ? Math.max(...kitRss) : undefined;
    checks.push({
      name: 'kit service peak RSS (any scenario)',
      database: label,
      measured: kitPeak === undefined ? 'not measured' : `${kitPeak.toFixed(0)} MB`,
      required: `≤ ${RSS_LIMIT_MB} MB`,
      holds: kitPeak === undefined ? undefined : kitPeak <= RSS_LIMIT_MB,
    });
  }
  return checks;
}

function checksTable(checks: TargetCheck[]): string {
  const lines = ['| target | database | measured | required | holds |', '|---|---|---:|---:|---|'];
  for (const check of checks) {
    const holds = check.holds === undefined ? '–' : check.holds ? 'yes' : '**no**';
    lines.push(
      `| ${check.name} | ${check.database} | ${check.measured} | ${check.required} | ${holds} |`,
    );
  }
  return lines.join('\n');
}

/** The tables of a run: one per database, the login storm, and the targets. */
export function resultsMarkdown(results: BenchResults): string {
  const parts: string[] = [];
  for (const database of results.options.databases) {
    parts.push(`### ${DATABASE_LABELS[database]}\n\n${databaseTable(results, database)}`);
  }
  if (results.storms.length > 0) {
    parts.push(`### Login storm (Seamless)\n\n${stormTable(results)}`);
  }
  if (results.revocations.length > 0) {
    parts.push(`### Revocation check (Seamless, guarded)\n\n${revocationTable(results)}`);
  }
  if (results.rows.some((r) => r.scenario === 'login') || results.storms.length > 0) {
    parts.push(`### Logins per connection\n\n${loginConnectionsTable(results)}`);
  }
  parts.push(`### Targets\n\n${checksTable(checkTargets(results))}`);
  const other = maxDisturbance(results);
  const warning =
    other > 0.2
      ? `\n\n**Other processes and other guests of the host took up to ${cores(other)} CPU cores during a measurement: the rows where they did are disturbed.**`
      : '';
  parts.push(
    `### Measurement conditions (CPU cores used)\n\n${conditionsTable(results)}${warning}`,
  );
  return parts.join('\n\n');
}

function packageVersion(name: string): string {
  const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(file)) {
    return 'not installed';
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** Machine, software and settings of a run, for RESULTS.md. */
export function environmentMarkdown(
  results: BenchResults,
  versions: { mariadb?: string; postgres?: string },
): string {
  const { options } = results;
  const cpu = cpus()[0]?.model ?? 'unknown';
  const packages = [
    '@nestjs/core',
    '@nestjs/platform-fastify',
    '@nestjs/platform-express',
    '@nestjs/jwt',
    'typeorm',
    'better-sqlite3',
    'mysql2',
    'pg',
    'argon2',
    '@node-rs/argon2',
    'jose',
    'undici',
  ]
    .map((name) => `${name} ${packageVersion(name)}`)
    .join(', ');
  const pinning =
    options.serverCpus === undefined
      ? 'none (the OS schedules server and load generator)'
      : `server on CPU ${options.serverCpus}, load generator on CPU ${options.loadCpus ?? 'any'} (taskset)`;
  return [
    `- Date: ${results.startedAt.toISOString()} (run took ${Math.round((results.finishedAt.getTime() - results.startedAt.getTime()) / 1000)} s)`,
    `- Machine: ${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node ${process.version}; ${packages}`,
    `- Repository commit: ${gitCommit()}${versions.mariadb ? `; MariaDB ${versions.mariadb}` : ''}${versions.postgres ? `; PostgreSQL ${versions.postgres}` : ''}`,
    `- Settings: ${options.connections} connections, ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured per scenario, fresh server and database per scenario${options.repeat > 1 ? `, best of ${options.repeat} by least interference from other processes` : ''}; login storm: ${options.stormConnections} extra connections logging in`,
    `- Pinning: ${pinning}`,
  ].join('\n');
}
