import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';
import { CreateUsersAndSessions1732700000000 } from './migrations/1732700000000-CreateUsersAndSessions';
import { ExactUsernameKeys1733000000000 } from './migrations/1733000000000-ExactUsernameKeys';

export const entities = [User, Session];
export const migrations = [CreateUsersAndSessions1732700000000, ExactUsernameKeys1733000000000];

/** TypeORM options for either database; migrations, never `synchronize`, create the schema. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = {
    entities,
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
  if (database.path !== ':memory:') {
    mkdirSync(dirname(database.path), { recursive: true });
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
