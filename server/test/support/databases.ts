import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createConnection } from 'mysql2/promise';

/** A database a suite runs against: a fresh SQLite file, or a fresh MariaDB database. */
export interface TestDatabase {
  name: 'sqlite' | 'mariadb';
  url: string;
  /** Runs raw SQL against the database, as an operator (or a thief) would. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export const mysqlUrl = process.env.TEST_MYSQL_URL;

/**
 * The databases every persistence behaviour is tested on: SQLite always, MariaDB when
 * TEST_MYSQL_URL is set. In CI a missing TEST_MYSQL_URL is a failure, not a skip.
 */
export function databaseKinds(): TestDatabase['name'][] {
  if (!mysqlUrl && process.env.CI === 'true') {
    test('MariaDB is available in CI', () => {
      throw new Error('CI=true but TEST_MYSQL_URL is not set: the MariaDB tests could not run');
    });
  }
  return mysqlUrl ? ['sqlite', 'mariadb'] : ['sqlite'];
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
