import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { User } from './user/entity/user.entity';

/**
 * TypeORM options for the tutorial's server, taken from DATABASE_URL so that it runs
 * on the same database as Seamless: `sqlite:PATH` (better-sqlite3),
 * `mysql://user:pass@host:port/db` (mysql2, with the tutorial's options) or
 * `postgres://user:pass@host:port/db` (pg, the same options with TypeORM's `postgres` type).
 * Query logging is off: the tutorial turns it on for development, and printing
 * every query would measure the terminal rather than the server.
 */
export function databaseOptions(url: string): TypeOrmModuleOptions {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return {
      type: 'better-sqlite3',
      database: file === ':memory:' ? ':memory:' : file,
      synchronize: true,
      logging: false,
      entities: [User],
    };
  }
  const server = /^(mysql|postgres(?:ql)?):\/\//.exec(url)?.[1];
  if (server !== undefined) {
    const parsed = new URL(url);
    const mysql = server === 'mysql';
    const connection = {
      host: parsed.hostname,
      port: parsed.port === '' ? (mysql ? 3306 : 5432) : Number(parsed.port),
      username: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.slice(1)),
      synchronize: true,
      logging: false,
      entities: [User],
      poolSize: 10,
    };
    return mysql
      ? { type: 'mysql', ...connection, connectorPackage: 'mysql2' }
      : { type: 'postgres', ...connection };
  }
  throw new Error(`DATABASE_URL must be sqlite:PATH, mysql://… or postgres://…, got ${url}`);
}
