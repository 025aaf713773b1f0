import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

/** The databases a run can use. */
export type DatabaseKind = 'sqlite' | 'mysql' | 'postgres';

/** The database servers of a run: MariaDB/MySQL and PostgreSQL, each on a loopback address. */
export interface DatabaseServers {
  mysqlUrl?: string;
  pgUrl?: string;
}

/** A throwaway database for one server process. */
export interface Database {
  kind: DatabaseKind;
  url: string;
  /** Removes the database (MariaDB, PostgreSQL); SQLite files go with their temporary folder. */
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

/** Runs `sql` on the PostgreSQL server of `pgUrl` (its default database), on a connection of its own. */
async function pgAdmin<T>(pgUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database: a new SQLite file under `dir`, or a new database on the
 * MariaDB/MySQL or PostgreSQL server of `servers` (which must be loopback addresses).
 */
export async function createDatabase(
  kind: DatabaseKind,
  label: string,
  dir: string,
  servers: DatabaseServers,
): Promise<Database> {
  if (kind === 'sqlite') {
    return {
      kind,
      url: `sqlite:${join(dir, `${label}.sqlite`)}`,
      drop: () => Promise.resolve(),
    };
  }
  const name = `bench_${label.replace(/[^A-Za-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
  if (kind === 'postgres') {
    const { pgUrl } = servers;
    if (pgUrl === undefined) {
      throw new Error('PostgreSQL runs need BENCH_PG_URL or TEST_PG_URL');
    }
    await pgAdmin(pgUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return {
      kind,
      url: url.toString(),
      drop: async () => {
        await pgAdmin(pgUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const { mysqlUrl } = servers;
  if (mysqlUrl === undefined) {
    throw new Error('MariaDB runs need BENCH_MYSQL_URL or TEST_MYSQL_URL');
  }
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

/** The server version of the PostgreSQL at `pgUrl`, for the report. */
export async function postgresVersion(pgUrl: string): Promise<string> {
  const [row] = await pgAdmin<{ server_version?: unknown }>(pgUrl, 'SHOW server_version');
  return typeof row?.server_version === 'string' ? row.server_version : 'unknown';
}
