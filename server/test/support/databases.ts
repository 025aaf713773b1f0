import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { requireEnv } from '@seamless/testing';
import { positionalParameters } from '../../src/database/placeholders';

/** A database a suite runs against: a fresh SQLite file, or a fresh MariaDB or PostgreSQL database. */
export interface TestDatabase {
  name: 'sqlite' | 'mariadb' | 'postgres';
  url: string;
  /**
   * Runs raw SQL against the database, as an operator (or a thief) would. Placeholders
   * are `?` on every database. PostgreSQL hands BIGINT and COUNT back as strings.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export const mysqlUrl = process.env.TEST_MYSQL_URL;
/** A PostgreSQL server to create test databases on, e.g. postgres://postgres@127.0.0.1:5432/ */
export const pgUrl = process.env.TEST_PG_URL;

/**
 * The databases every persistence behaviour is tested on: SQLite always, MariaDB when
 * TEST_MYSQL_URL is set, PostgreSQL when TEST_PG_URL is set. In CI a missing URL is a
 * failure, not a skip.
 */
export function databaseKinds(): TestDatabase['name'][] {
  const kinds: TestDatabase['name'][] = ['sqlite'];
  for (const [kind, variable] of [
    ['mariadb', 'TEST_MYSQL_URL'],
    ['postgres', 'TEST_PG_URL'],
  ] as const) {
    if (requireEnv([variable]) === false) {
      kinds.push(kind);
    }
  }
  return kinds;
}

export async function createTestDatabase(kind: TestDatabase['name']): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'seamless-test-'));
    const file = join(dir, 'db.sqlite');
    // better-sqlite3 is what the server uses too; a second connection reads what it wrote.
    const { default: Database } = await import('better-sqlite3');
    let db: InstanceType<typeof Database> | undefined;
    const open = () => (db ??= new Database(file));
    return {
      name: 'sqlite',
      url: `sqlite:${file}`,
      query: <T>(sql: string, params: unknown[] = []) => {
        const statement = open().prepare(sql);
        return Promise.resolve(
          (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[],
        );
      },
      drop: () => {
        db?.close();
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  if (kind === 'postgres') {
    return createPostgresDatabase();
  }
  if (!mysqlUrl) {
    throw new Error('TEST_MYSQL_URL is not set');
  }
  const name = `seamless_test_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(mysqlUrl);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  const connection = await createConnection(url.toString());
  return {
    name: 'mariadb',
    url: url.toString(),
    query: async <T>(sql: string, params: unknown[] = []) => {
      const [rows] = await connection.query(sql, params);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    drop: async () => {
      await connection.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  if (!pgUrl) {
    throw new Error('TEST_PG_URL is not set');
  }
  const name = `seamless_test_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const connection = new Client({ connectionString: url.toString() });
  await connection.connect();
  return {
    name: 'postgres',
    url: url.toString(),
    query: async <T>(sql: string, params: unknown[] = []) => {
      const result = await connection.query(positionalParameters(sql, 'postgres'), params);
      return result.rows as T[];
    },
    drop: async () => {
      await connection.end();
      // FORCE: a server the suite killed may have left connections behind.
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
