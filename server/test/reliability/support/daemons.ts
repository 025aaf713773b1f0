import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../../support/process';
import { waitFor } from './services';

/**
 * A database or cache server that belongs to one test alone, on a spare loopback port
 * and a temporary folder, so the test may kill it and start it again.
 */
abstract class Daemon {
  protected child: ChildProcess | undefined;
  protected exited: Promise<void> = Promise.resolve();
  protected log = '';

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  protected abstract command(): [string, string[]];
  protected abstract ready(): Promise<boolean>;

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the program and resolves once it answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    const [program, args] = this.command();
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
    await waitFor(`${program} on port ${this.port}`, () => this.ready(), timeoutMs);
  }

  /** Stops it with `signal` (SIGKILL: a crash; SIGTERM: an orderly shutdown) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) {
      return;
    }
    this.child = undefined;
    child.kill('SIGCONT'); // a frozen process would never act on SIGTERM
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, like a network partition. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a frozen process go on (SIGCONT). */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops it if needed and removes its files. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  output(): string {
    return this.log;
  }
}

/** A private mariadbd: root without a password on 127.0.0.1, one database named `seamless`. */
export class OwnMariaDb extends Daemon {
  static async create(): Promise<OwnMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'seamless-mariadb-'));
    await promisify(execFile)(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--user=root',
      ],
      { timeout: 60_000 },
    );
    const db = new OwnMariaDb(dir, await freePort());
    await db.start();
    const admin = await createConnection(db.adminUrl);
    await admin.query('CREATE DATABASE seamless CHARACTER SET utf8mb4');
    await admin.end();
    return db;
  }

  get adminUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}/`;
  }

  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/seamless`;
  }

  /** Runs SQL as an operator would, on a connection of its own. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const connection = await createConnection(this.url);
    try {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    } finally {
      await connection.end();
    }
  }

  protected command(): [string, string[]] {
    return [
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'sock')}`,
        `--pid-file=${join(this.dir, 'pid')}`,
        '--user=root',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        `--log-error=${join(this.dir, 'error.log')}`,
      ],
    ];
  }

  protected async ready(): Promise<boolean> {
    const connection = await createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      connectTimeout: 1000,
    });
    await connection.end();
    return true;
  }
}

/** A private redis-server that keeps nothing on disk. */
export class OwnRedis extends Daemon {
  static async create(): Promise<OwnRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'seamless-redis-'));
    mkdirSync(dir, { recursive: true });
    const redis = new OwnRedis(dir, await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return [
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
    ];
  }

  protected async ready(): Promise<boolean> {
    const client = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined); // refused while it starts: the poll tries again
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  }
}
