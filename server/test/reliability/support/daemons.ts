import {
  execFile,
  execFileSync,
  spawn,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { freePort, waitFor } from '@seamless/testing';
import { positionalParameters } from '../../../src/database/placeholders';

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

  /** Extra options for spawning the program (another user, a process group of its own). */
  protected spawnOptions(): SpawnOptions {
    return {};
  }

  /** Delivers `signal` to the program; a server of several processes decides which get it. */
  protected signal(child: ChildProcess, signal: NodeJS.Signals): void {
    child.kill(signal);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the program and resolves once it answers. */
  async start(timeoutMs = 30_000): Promise<void> {
    const [program, args] = this.command();
    const child = spawn(program, args, {
      ...this.spawnOptions(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    this.signal(child, 'SIGCONT'); // a frozen process would never act on SIGTERM
    this.signal(child, signal);
    const timer = setTimeout(() => this.signal(child, 'SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers, like a network partition. */
  freeze(): void {
    if (this.child) {
      this.signal(this.child, 'SIGSTOP');
    }
  }

  /** Lets a frozen process go on (SIGCONT). */
  thaw(): void {
    if (this.child) {
      this.signal(this.child, 'SIGCONT');
    }
  }

  /** Stops it if needed and removes its files, as a test database is dropped. */
  async drop(): Promise<void> {
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

/**
 * The folder of the PostgreSQL server programs (`initdb`, `postgres`): Debian's
 * /usr/lib/postgresql/<version>/bin, the newest version, or wherever `postgres` is on PATH.
 */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const newest = readdirSync(root)
      .filter((version) => existsSync(join(root, version, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a))[0];
    if (newest !== undefined) {
      return join(root, newest, 'bin');
    }
  }
  try {
    return execFileSync('sh', ['-c', 'dirname "$(command -v postgres)"'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root: under root the test runs it as the `postgres`
 * account that Debian's package creates; under any other user, as that user.
 */
function postgresAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Process ids whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, then the parent's pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) {
        children.push(Number(entry));
      }
    } catch {
      // ended while we looked
    }
  }
  return children;
}

/** A private PostgreSQL cluster: user `postgres` without a password on 127.0.0.1, one database named `seamless`. */
export class OwnPostgres extends Daemon {
  private constructor(
    dir: string,
    port: number,
    private readonly bin: string,
    private readonly account: { uid: number; gid: number } | undefined,
  ) {
    super(dir, port);
  }

  static async create(bin: string): Promise<OwnPostgres> {
    const account = postgresAccount();
    const dir = mkdtempSync(join(tmpdir(), 'seamless-postgres-'));
    if (account) {
      chownSync(dir, account.uid, account.gid);
    }
    await promisify(execFile)(
      join(bin, 'initdb'),
      [
        `--pgdata=${join(dir, 'data')}`,
        '--username=postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      { timeout: 60_000, ...account },
    );
    const db = new OwnPostgres(dir, await freePort(), bin, account);
    await db.start();
    const admin = new Client({ connectionString: db.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE seamless');
    await admin.end();
    return db;
  }

  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/seamless`;
  }

  /** Runs SQL (with `?` placeholders) as an operator would, on a connection of its own. */
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    client.on('error', () => undefined); // the test may stop the server under it
    await client.connect();
    try {
      return (await client.query(positionalParameters(sql, 'postgres'), params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  protected command(): [string, string[]] {
    return [
      join(this.bin, 'postgres'),
      [
        '-D',
        join(this.dir, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dir}`,
        '-c',
        'shared_buffers=16MB',
      ],
    ];
  }

  protected override spawnOptions(): SpawnOptions {
    return { ...this.account };
  }

  /**
   * SIGKILL, SIGSTOP and SIGCONT reach the postmaster and every backend (each runs in a
   * session of its own, so a process group would not): a crash or a freeze of the
   * server, not of the postmaster alone. Shutdown requests go to the postmaster, which
   * ends its backends itself: SIGTERM waits for every client to disconnect (a pool never
   * does), SIGINT is `pg_ctl stop`'s fast shutdown.
   */
  protected override signal(child: ChildProcess, signal: NodeJS.Signals): void {
    const pid = child.pid;
    if (pid === undefined || !['SIGKILL', 'SIGSTOP', 'SIGCONT'].includes(signal)) {
      child.kill(signal);
      return;
    }
    const send = (target: number, sig: NodeJS.Signals) => {
      try {
        process.kill(target, sig);
      } catch {
        // exited already
      }
    };
    if (signal === 'SIGCONT') {
      childrenOf(pid).forEach((backend) => send(backend, signal));
      send(pid, signal);
      return;
    }
    // Held first, so that it forks no backend the list below would miss.
    send(pid, 'SIGSTOP');
    childrenOf(pid).forEach((backend) => send(backend, signal));
    send(pid, signal);
  }

  protected async ready(): Promise<boolean> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
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
