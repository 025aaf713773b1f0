import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config';
import { CreateUsersAndSessions1732700000000 } from './migrations/1732700000000-CreateUsersAndSessions';
import { ExactUsernameKeys1733000000000 } from './migrations/1733000000000-ExactUsernameKeys';
import { CreateSessionRevocations1733100000000 } from './migrations/1733100000000-CreateSessionRevocations';
import { SessionRefreshVia1733300000000 } from './migrations/1733300000000-SessionRefreshVia';

const migrations = [
  CreateUsersAndSessions1732700000000,
  ExactUsernameKeys1733000000000,
  CreateSessionRevocations1733100000000,
  SessionRefreshVia1733300000000,
];

/**
 * TypeORM options for each database; migrations, never `synchronize`, create the schema.
 * The entities come from the feature modules (see DatabaseModule).
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    migrations,
    migrationsRun: true,
    synchronize: false,
    logging: false,
  } as const;
  if (database.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: database.url,
      connectorPackage: 'mysql2',
      charset: 'utf8mb4',
      poolSize: 10,
      connectTimeout: 3000,
      // Fail fast while the database is down instead of queueing requests forever.
      extra: { connectionLimit: 10, queueLimit: 200, enableKeepAlive: true },
    };
  }
  if (database.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      applicationName: 'seamless',
      poolSize: 10,
      // Also how long a request waits for a pooled connection: while the database is
      // down, requests fail fast (503) instead of queueing forever.
      connectTimeoutMS: 3000,
      extra: { keepAlive: true },
    };
  }
  if (database.path !== ':memory:') {
    // Readable by the owner only: SQLite gives the -wal and -shm files the database file's mode.
    mkdirSync(dirname(database.path), { recursive: true, mode: 0o700 });
    closeSync(openSync(database.path, 'a', 0o600));
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    // WAL lets readers go on while a write commits; NORMAL sync is still crash-safe in WAL mode.
    enableWAL: true,
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
