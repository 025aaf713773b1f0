import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { requireEnv } from '@seamless/testing';
import {
  ALL_SCENARIOS,
  ALL_TARGETS,
  REVOKED_SESSIONS,
  runBenchmark,
  runsScenario,
  type BenchOptions,
} from '../src/bench';
import type { DatabaseKind } from '../src/database';
import type { LoadResult, ScenarioName, Stats } from '../src/loadgen';
import { checkTargets, resultsMarkdown } from '../src/report';
import { SEAMLESS_MAIN, type TargetName } from '../src/targets';

const mysqlUrl = process.env.TEST_MYSQL_URL;
const pgUrl = process.env.TEST_PG_URL;
const LABELS: Record<DatabaseKind, string> = {
  sqlite: 'SQLite',
  mysql: 'MariaDB',
  postgres: 'PostgreSQL',
};
const seamlessBuilt = existsSync(SEAMLESS_MAIN);

/** The statuses each scenario must see: anything else is a broken benchmark. */
function assertStatuses(
  scenario: ScenarioName,
  target: TargetName,
  result: Stats | LoadResult,
): void {
  const where = `${scenario} against ${target}`;
  assert.ok(result.requests > 0, `${where}: no request completed`);
  assert.equal(
    result.errors,
    0,
    `${where}: unexpected statuses ${JSON.stringify(result.statuses)}`,
  );
  const statuses = Object.keys(result.statuses);
  if (scenario === 'rejected') {
    assert.deepEqual(statuses, ['401'], where);
  } else {
    for (const status of statuses) {
      // A login refused at once because hashing is saturated (503) is an answer too.
      assert.match(
        status,
        scenario === 'login' || scenario === 'mixed' ? /^(2\d\d|503)$/ : /^2\d\d$/,
        where,
      );
    }
  }
  if (!('connections' in result)) {
    // Slices combined (the revocation comparison): no one window to look into.
    return;
  }
  assert.equal(
    result.connections.completions.reduce((sum, n) => sum + n, 0),
    result.requests,
    `${where}: per-connection completions do not add up`,
  );
  if (scenario === 'mixed') {
    assert.ok((result.byKind.guarded?.requests ?? 0) > 0, `${where}: no guarded request`);
  }
}

function smokeOptions(database: DatabaseKind, targets: TargetName[]): BenchOptions {
  return {
    durationMs: 1500,
    warmupMs: 500,
    connections: 4,
    databases: [database],
    scenarios: [...ALL_SCENARIOS],
    targets,
    storm: targets.includes('seamless'),
    stormConnections: 2,
    revocation: targets.includes('seamless'),
    manyTokens: 300,
    repeat: 1,
    mysqlUrl,
    pgUrl,
    serverNodeArgs: [],
    log: () => {},
  };
}

async function smoke(database: DatabaseKind, t: { diagnostic(message: string): void }) {
  if (!seamlessBuilt) {
    // CI builds the server before testing; locally the other targets still get checked.
    assert.notEqual(process.env.CI, 'true', `${SEAMLESS_MAIN} is missing: build the server first`);
    t.diagnostic(`${SEAMLESS_MAIN} is missing: Seamless is left out of this run`);
  }
  // The kit's service trusts a Seamless server, so it needs the server's build too.
  const targets = ALL_TARGETS.filter(
    (name) => seamlessBuilt || (name !== 'seamless' && name !== 'kit'),
  );
  const results = await runBenchmark(smokeOptions(database, targets));

  for (const scenario of ALL_SCENARIOS) {
    for (const target of targets) {
      const row = results.rows.find((r) => r.scenario === scenario && r.target === target);
      if (!runsScenario(target, scenario)) {
        assert.equal(row, undefined, `${target} does not answer ${scenario}`);
        continue;
      }
      assert.ok(row, `${scenario} against ${target} did not run`);
      assertStatuses(scenario, target, row.result);
      assert.ok(row.peakRssMb > 0, `${scenario} against ${target}: no RSS measured`);
    }
  }

  if (seamlessBuilt) {
    const [storm] = results.storms;
    assert.ok(storm, 'the login storm did not run');
    assertStatuses('guarded', 'seamless', storm.baseline);
    assertStatuses('guarded', 'seamless', storm.underStorm);
    assert.ok((storm.underStorm.storm?.requests ?? 0) > 0, 'the storm made no login');
    assert.equal(storm.underStorm.storm?.errors, 0, 'storm logins failed');
    const [revocation] = results.revocations;
    assert.ok(revocation, 'the revocation check was not measured');
    assertStatuses('guarded', 'seamless', revocation.unchecked);
    assertStatuses('guarded', 'seamless', revocation.checked);
    assert.ok(revocation.revokedSessions >= REVOKED_SESSIONS, 'the ended sessions are listed');
    assert.equal(storm.underStorm.stormConnections?.completions.length, 2);
    assert.ok((storm.underStorm.stormConnections?.longestWaitMs ?? 0) > 0);
  }

  const table = resultsMarkdown(results);
  assert.match(table, new RegExp(`### ${LABELS[database]}`));
  for (const scenario of ALL_SCENARIOS) {
    assert.match(table, new RegExp(`^\\| ${scenario} \\|`, 'm'));
  }
  assert.match(table, /### Targets/);
  assert.match(table, /### Logins per connection/);
  const checks = checkTargets(results);
  assert.ok(checks.length > 0, 'no target was evaluated');
  if (seamlessBuilt) {
    // Every target names a figure this run measured, so the report never shows an empty row.
    const unmeasured = checks.filter((c) => c.holds === undefined).map((c) => c.name);
    assert.deepEqual(unmeasured, [], `targets without a measurement: ${unmeasured.join(', ')}`);
  }
}

void test('every scenario runs against every target on SQLite', { timeout: 300_000 }, async (t) => {
  await smoke('sqlite', t);
});

void test(
  'every scenario runs against every target on MariaDB',
  { timeout: 300_000, skip: requireEnv(['TEST_MYSQL_URL']) },
  async (t) => {
    await smoke('mysql', t);
  },
);

void test(
  'every scenario runs against every target on PostgreSQL',
  { timeout: 300_000, skip: requireEnv(['TEST_PG_URL']) },
  async (t) => {
    await smoke('postgres', t);
  },
);
