import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Api } from '../../support/http';
import { spawnServer, type ServerProcess } from '../../support/process';
import { OwnRedis } from './daemons';
import { sharedKeys } from './services';

/** Where a deployment keeps its data: a test database or a database server of its own. */
export interface Storage {
  readonly url: string;
  drop(): Promise<void>;
}

export interface DeploymentOptions<D extends Storage> {
  /** How many instances run before the first test. */
  size: number;
  /** The database every instance uses; without one, a SQLite file in a folder of its own. */
  database?: () => Promise<D>;
  /** Gives the deployment a redis-server of its own, which its tests may stop and start. */
  ownRedis?: boolean;
  /**
   * Starts the instances at once, as a fresh deployment of N replicas does; by default
   * one after another, so that the first runs the migrations alone.
   */
  together?: boolean;
  /** The rest of the environment, the same for every instance. */
  env?: Record<string, string>;
}

/** The fields are set in `before`: read them inside tests and hooks. */
export interface Deployment<D extends Storage> {
  db: D;
  /** Only with `ownRedis`. */
  redis: OwnRedis;
  /** Every instance started, in order, including those a test added with `start`. */
  instances: ServerProcess[];
  apis: Api[];
  /** What every instance got: shared keys, the database, Redis and `env`. */
  env: Record<string, string>;
  /** Starts one more instance of the deployment. */
  start(): Promise<Api>;
}

const STOP_TIMEOUT_MS = 10_000;

async function stop(instance: ServerProcess): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
    return;
  }
  instance.child.kill('SIGCONT'); // a frozen process would never act on SIGTERM
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await instance.exited;
  clearTimeout(timer);
}

/**
 * Inside a describe: `size` instances of the built server sharing keys, a database and
 * (with `ownRedis`) a private Redis, started before the suite's tests and stopped,
 * with everything they used, after them.
 */
export function deployment<D extends Storage = Storage>(
  options: DeploymentOptions<D>,
): Deployment<D> {
  const deployed = { instances: [], apis: [] } as unknown as Deployment<D>;
  let dir: string | undefined;
  deployed.start = async () => {
    const instance = await spawnServer(deployed.env);
    deployed.instances.push(instance);
    const api = new Api(instance.url);
    deployed.apis.push(api);
    return api;
  };

  before(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seamless-deployment-'));
    dir = folder;
    deployed.db = options.database
      ? await options.database()
      : ({
          url: `sqlite:${join(folder, 'db.sqlite')}`,
          drop: () => Promise.resolve(),
        } as Storage as D);
    if (options.ownRedis) {
      deployed.redis = await OwnRedis.create();
    }
    deployed.env = {
      ...(await sharedKeys()),
      DATABASE_URL: deployed.db.url,
      KEYS_FILE: join(folder, 'keys.json'),
      ...(options.ownRedis ? { REDIS_URL: deployed.redis.url } : {}),
      ...options.env,
    };
    if (options.together) {
      const instances = await Promise.all(
        Array.from({ length: options.size }, () => spawnServer(deployed.env)),
      );
      deployed.instances.push(...instances);
      deployed.apis.push(...instances.map((instance) => new Api(instance.url)));
    } else {
      for (let i = 0; i < options.size; i++) {
        await deployed.start();
      }
    }
  });
  after(async () => {
    await Promise.all(deployed.instances.map(stop));
    await deployed.db?.drop();
    await deployed.redis?.drop();
    if (dir !== undefined) {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return deployed;
}
