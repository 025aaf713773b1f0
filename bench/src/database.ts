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

/** Runs `sql` on the MariaDB/MySQL server of `mysqlUrl` (no database), on a connection of its own. */
async function mysqlAdmin<T>(mysqlUrl: string, sql: string): Promise<T[]> {
  const parsed = new URL(mysqlUrl);
  const connection = await createConnection({
    host: parsed.hostname,
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  });
  try {
    return (await connection.query(sql))[0] as T[];
  } finally {
    await connection.end();
  }
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

/** How a run reaches each database server, and the statements that make and drop a database. */
const SERVERS = {
  mysql: {
    url: (servers: DatabaseServers) => servers.mysqlUrl,
    missing: 'MariaDB runs need BENCH_MYSQL_URL or TEST_MYSQL_URL',
    admin: mysqlAdmin,
    create: (name: string) => `CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET utf8mb4`,
    drop: (name: string) => `DROP DATABASE IF EXISTS \`${name}\``,
  },
  postgres: {
    url: (servers: DatabaseServers) => servers.pgUrl,
    missing: 'PostgreSQL runs need BENCH_PG_URL or TEST_PG_URL',
    admin: pgAdmin,
    create: (name: string) => `CREATE DATABASE "${name}"`,
    drop: (name: string) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
  },
};

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
  const server = SERVERS[kind];
  const serverUrl = server.url(servers);
  if (serverUrl === undefined) {
    throw new Error(server.missing);
  }
  await server.admin(serverUrl, server.create(name));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      await server.admin(serverUrl, server.drop(name));
    },
  };
}

/** The server version string of the MariaDB/MySQL at `mysqlUrl`, for the report. */
export async function mysqlVersion(mysqlUrl: string): Promise<string> {
  const [row] = await mysqlAdmin<{ version?: unknown }>(mysqlUrl, 'SELECT VERSION() AS version');
  return typeof row?.version === 'string' ? row.version : 'unknown';
}

/** The server version of the PostgreSQL at `pgUrl`, for the report. */
export async function postgresVersion(pgUrl: string): Promise<string> {
  const [row] = await pgAdmin<{ server_version?: unknown }>(pgUrl, 'SHOW server_version');
  return typeof row?.server_version === 'string' ? row.server_version : 'unknown';
}
