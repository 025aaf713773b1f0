import { spawn } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  answerOf,
  freePort,
  startSeamless,
  type RunningServer,
  type TokenPair,
} from '@seamless/testing';
import { SignJWT } from 'jose';

/** The compiled orders service next to the compiled tests. */
const ORDERS_MAIN = join(__dirname, '..', 'src', 'main.js');

/** A private ES256 JWK for JWT_SIGNING_KEYS. */
export function signingKey(kid: string): JsonWebKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid };
}

/**
 * A Seamless server whose keys, database and port outlive its process, so that a test
 * can stop it and start it again (with other keys) where services expect it.
 */
export class AuthServer {
  readonly url: string;
  readonly refreshTokenSecret = randomBytes(32).toString('base64url');
  private running: RunningServer | undefined;

  constructor(
    readonly port: number,
    private readonly databaseUrl: string,
    public keys: JsonWebKey[],
    public currentKid: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.running = await startSeamless({
      PORT: String(this.port),
      JWT_ISSUER: this.url,
      JWT_AUDIENCE: 'orders',
      DATABASE_URL: this.databaseUrl,
      JWT_SIGNING_KEYS: JSON.stringify(this.keys),
      JWT_CURRENT_KID: this.currentKid,
      REFRESH_TOKEN_SECRET: this.refreshTokenSecret,
    });
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = undefined;
  }

  /** A token made with one of the server's keys, as only the server could make it. */
  sign(changes: Record<string, unknown>, kid = this.currentKid): Promise<string> {
    const jwk = this.keys.find((key) => key.kid === kid);
    if (!jwk) {
      throw new Error(`no key ${kid}`);
    }
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.url,
      aud: 'orders',
      sub: '1',
      userId: 1,
      username: 'guang',
      sid: randomBytes(16).toString('base64url'),
      jti: randomBytes(12).toString('base64url'),
      iat: now,
      exp: now + 600,
      ...changes,
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  }

  /** The public JWK of a key, as the JWKS publishes it. */
  publicJwk(kid = this.currentKid): JsonWebKey {
    const jwk = this.keys.find((key) => key.kid === kid);
    if (!jwk) {
      throw new Error(`no key ${kid}`);
    }
    return { ...createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' }), kid };
  }
}

/** The orders service as its operator runs it: `node dist/src/main.js`, configured by environment. */
export interface OrdersService {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startOrdersService(issuer: string): Promise<OrdersService> {
  const port = await freePort();
  const child = spawn(process.execPath, [ORDERS_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      SEAMLESS_ISSUER: issuer,
      SEAMLESS_AUDIENCE: 'orders',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Orders service listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export async function login(
  auth: AuthServer,
  username = 'guang',
  password = '123456',
): Promise<TokenPair> {
  const answer = await answerOf(`${auth.url}/user/login`, {
    method: 'POST',
    json: { username, password },
  });
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`login ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body as TokenPair;
}

export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The Seamless server and the orders service that one `describe` block works with. */
export interface Services {
  readonly auth: AuthServer;
  readonly orders: OrdersService;
}

/**
 * Starts, before the enclosing block's tests, a Seamless server with key `k1` on a fresh
 * SQLite file (or only prepares it, when `authRunning` is false, for a test to start it)
 * and the orders service trusting it; stops both after them.
 */
export function servicesForBlock(options: { authRunning: boolean }): Services {
  const dir = mkdtempSync(join(tmpdir(), 'orders-service-'));
  let auth: AuthServer | undefined;
  let orders: OrdersService | undefined;
  before(async () => {
    auth = new AuthServer(
      await freePort(),
      `sqlite:${join(dir, 'db.sqlite')}`,
      [signingKey('k1')],
      'k1',
    );
    if (options.authRunning) {
      await auth.start();
    }
    orders = await startOrdersService(auth.url);
  });
  after(async () => {
    await orders?.stop();
    await auth?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get auth() {
      return started(auth);
    },
    get orders() {
      return started(orders);
    },
  };
}

function started<T>(service: T | undefined): T {
  if (service === undefined) {
    throw new Error("the services start in the block's before hook");
  }
  return service;
}
