import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/** The databases a run can use. */
export type DatabaseKind = 'sqlite' | 'mysql';

/** A throwaway database for one server process. */
export interface Database {
  kind: DatabaseKind;
  url: string;
  /** Removes the database (MariaDB); SQLite files go with their temporary folder. */
  drop(): Promise<void>;
}

function adminConnection(baseUrl: string) {
  const parsed = new URL(baseUrl);
  return createConnection({
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  });
}

/**
 * Creates a fresh database: a new SQLite file under `dir`, or a new MariaDB/MySQL
 * database on the server of `mysqlUrl` (which must be a loopback address).
 */
export async function createDatabase(
  kind: DatabaseKind,
  label: string,
  dir: string,
  mysqlUrl: string | undefined,
): Promise<Database> {
  if (kind === 'sqlite') {
    return {
      kind,
      url: `sqlite:${join(dir, `${label}.sqlite`)}`,
      drop: () => Promise.resolve(),
    };
  }
  if (mysqlUrl === undefined) {
    throw new Error('MariaDB runs need BENCH_MYSQL_URL or TEST_MYSQL_URL');
  }
  const name = `bench_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = await adminConnection(mysqlUrl);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const dropper = await adminConnection(mysqlUrl);
      try {
        await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The server version string of the MariaDB/MySQL at `mysqlUrl`, for the report. */
export async function mysqlVersion(mysqlUrl: string): Promise<string> {
  const admin = await adminConnection(mysqlUrl);
  try {
    const [rows] = await admin.query('SELECT VERSION() AS version');
    const first = (rows as { version?: unknown }[])[0];
    return typeof first?.version === 'string' ? first.version : 'unknown';
  } finally {
    await admin.end();
  }
}
