import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
// A dependency, not a devDependency: `npm run bench` runs this code, not only its tests.
import { freePort } from '@seamless/testing';
import { CEILING_TOKEN } from '../ceiling/token';
import type { RefreshStyle, Session, WorkerPlan } from './loadgen';
import { benchUser, type Credentials } from './users';

/** The servers the benchmark compares. */
export type TargetName = 'seamless' | 'kit' | 'tutorial' | 'ceiling';

/** How the report names each target. */
export const TARGET_LABELS: Record<TargetName, string> = {
  seamless: 'Seamless',
  kit: 'kit',
  tutorial: 'tutorial',
  ceiling: 'ceiling',
};

/** The repository root (this file runs from bench/dist/src). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/**
 * The Seamless server's entry point, present once `npm run build -w server` has run.
 * BENCH_SEAMLESS_MAIN points elsewhere, e.g. at a copy of the build taken for one run.
 */
export const SEAMLESS_MAIN =
  process.env.BENCH_SEAMLESS_MAIN ?? join(REPO_ROOT, 'server/dist/src/main.js');

/** A server process started for one measurement. */
export interface RunningTarget {
  name: TargetName;
  origin: string;
  /** Where users register and sign in: the target itself, or for the kit its Seamless server. */
  authOrigin: string;
  /** The Seamless keys file (Seamless and the kit): what the bench signs many tokens with. */
  keysFile?: string;
  pid: number;
  refreshStyle: RefreshStyle;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** How to start a target. */
export interface StartOptions {
  databaseUrl: string;
  tmpDir: string;
  benchUsers: number;
  /** `taskset -c` CPU list for the server, or undefined to leave scheduling to the OS. */
  cpus?: string;
  /** Extra Node options for the server (for example `--cpu-prof`). */
  nodeArgs: string[];
  /** Extra environment for Seamless (for example `REVOCATION_CHECK=false`). */
  env?: Record<string, string>;
}

function entryPoint(name: TargetName): string {
  switch (name) {
    case 'seamless':
      return SEAMLESS_MAIN;
    case 'kit':
      return join(REPO_ROOT, 'bench/dist/kit/main.js');
    case 'tutorial':
      return join(REPO_ROOT, 'bench/dist/comparator/main.js');
    case 'ceiling':
      return join(REPO_ROOT, 'bench/dist/ceiling/main.js');
  }
}

function targetEnv(
  name: TargetName,
  port: number,
  options: StartOptions,
  issuer: string,
): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  delete base.NODE_OPTIONS;
  switch (name) {
    case 'seamless':
      return {
        ...base,
        // The address the kit fetches the keys from, so it must be one that resolves here.
        JWT_ISSUER: `http://127.0.0.1:${port}`,
        DATABASE_URL: options.databaseUrl,
        KEYS_FILE: join(options.tmpDir, 'keys.json'),
        WEB_DIR: options.tmpDir,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        // Every bench login succeeds, but keep the limiters out of the way regardless;
        // every bench user signs up from 127.0.0.1.
        LOGIN_MAX_ATTEMPTS: '1000000000',
        LOGIN_IP_MAX_ATTEMPTS: '1000000000',
        REGISTER_MAX_PER_IP: '1000000000',
        ACCESS_TOKEN_TTL: '2h',
        NODE_ENV: 'development',
        ...options.env,
      };
    case 'kit':
      return { ...base, SEAMLESS_ISSUER: issuer, SEAMLESS_AUDIENCE: 'seamless' };
    case 'tutorial':
      return {
        ...base,
        DATABASE_URL: options.databaseUrl,
        BENCH_USERS: String(options.benchUsers),
      };
    case 'ceiling':
      return base;
  }
}

const READY = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

interface StartedProcess {
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts one server process and resolves once it prints its ready line. */
async function startProcess(
  name: TargetName,
  options: StartOptions,
  cpus: string | undefined,
  issuer = '',
): Promise<StartedProcess> {
  const main = entryPoint(name);
  if (!existsSync(main)) {
    throw new Error(`${main} does not exist: build it first`);
  }
  const port = await freePort();
  const nodeCommand = [process.execPath, ...options.nodeArgs, main];
  const command = cpus === undefined ? nodeCommand : ['taskset', '-c', cpus, ...nodeCommand];
  const child: ChildProcess = spawn(command[0], command.slice(1), {
    cwd: REPO_ROOT,
    env: targetEnv(name, port, options, issuer),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let output = '';
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
  // Keep draining its output so that a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts a target and resolves once it is ready. The kit is two processes: a Seamless
 * server that users sign in to (not pinned: it only answers the kit's key and feed
 * requests while the kit is measured), and the measured resource service.
 */
export async function startTarget(name: TargetName, options: StartOptions): Promise<RunningTarget> {
  const keysFile = join(options.tmpDir, 'keys.json');
  const refreshStyle: RefreshStyle = name === 'tutorial' ? 'get-query' : 'post-json';
  if (name !== 'kit') {
    const server = await startProcess(name, options, options.cpus);
    return {
      name,
      ...server,
      authOrigin: server.origin,
      keysFile: name === 'seamless' ? keysFile : undefined,
      refreshStyle,
    };
  }
  const auth = await startProcess('seamless', options, undefined);
  try {
    const service = await startProcess('kit', options, options.cpus, auth.origin);
    return {
      name,
      ...service,
      authOrigin: auth.origin,
      keysFile,
      refreshStyle,
      stop: async () => {
        await service.stop();
        await auth.stop();
      },
    };
  } catch (error) {
    await auth.stop();
    throw error;
  }
}

async function postJson(origin: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

/** Signs a user in and returns the token pair, failing loudly on anything else. */
export async function login(origin: string, credentials: Credentials): Promise<Session> {
  const response = await postJson(origin, '/user/login', credentials);
  const body = (await response.json()) as { access_token?: unknown; refresh_token?: unknown };
  if (
    !response.ok ||
    typeof body.access_token !== 'string' ||
    typeof body.refresh_token !== 'string'
  ) {
    throw new Error(`login of ${credentials.username} failed: ${response.status}`);
  }
  return { access: body.access_token, refresh: body.refresh_token };
}

/** Runs `task` over `items` with at most `limit` at a time. */
async function inBatches<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map(task))));
  }
  return results;
}

/** Creates the bench users on Seamless through its public API (the tutorial seeds its own). */
export async function registerUsers(target: RunningTarget, users: Credentials[]): Promise<void> {
  if (target.name !== 'seamless' && target.name !== 'kit') {
    return;
  }
  await inBatches(users, 8, async (credentials) => {
    const response = await postJson(target.authOrigin, '/user/register', credentials);
    await response.body?.cancel();
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`register ${credentials.username} failed: ${response.status}`);
    }
  });
}

/**
 * Signs each user in and out again over the API: sessions ended the ordinary way,
 * which the server must then refuse. Returns how many the revoked-sessions feed lists.
 */
export async function endSessions(target: RunningTarget, users: Credentials[]): Promise<number> {
  await inBatches(users, 8, async (credentials) => {
    const { access } = await login(target.origin, credentials);
    const response = await fetch(`${target.origin}/user/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}` },
      signal: AbortSignal.timeout(30_000),
    });
    await response.body?.cancel();
    if (response.status !== 204) {
      throw new Error(`logout of ${credentials.username} failed: ${response.status}`);
    }
  });
  const feed = await fetch(`${target.origin}/.well-known/revoked-sessions`, {
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await feed.json()) as { revoked?: unknown };
  return Array.isArray(body.revoked) ? body.revoked.length : 0;
}

/** Gives each of `count` workers its own user and session. */
export async function workerPlans(target: RunningTarget, count: number): Promise<WorkerPlan[]> {
  const users = Array.from({ length: count }, (_, i) => benchUser(i));
  if (target.name === 'ceiling') {
    const session = { access: CEILING_TOKEN, refresh: CEILING_TOKEN };
    return users.map((credentials) => ({ credentials, session }));
  }
  const sessions = await inBatches(users, 8, (credentials) =>
    login(target.authOrigin, credentials),
  );
  return users.map((credentials, i) => ({ credentials, session: sessions[i] }));
}

/**
 * A token the server must reject: a real access token with one character of its
 * signature changed, as the tutorial spoils its token by hand.
 */
export function spoil(token: string): string {
  const parts = token.split('.');
  const signature = parts[2];
  if (parts.length !== 3 || signature === undefined || signature.length < 8) {
    return `${token}x`;
  }
  const changed = signature[4] === 'A' ? 'B' : 'A';
  parts[2] = `${signature.slice(0, 4)}${changed}${signature.slice(5)}`;
  return parts.join('.');
}
