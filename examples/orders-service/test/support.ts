import { spawn } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type JsonWebKey,
} from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';

/** The compiled orders service next to the compiled tests. */
const ORDERS_MAIN = join(__dirname, '..', 'src', 'main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

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
  private running: { stop(): Promise<void> } | undefined;

  constructor(
    readonly port: number,
    private readonly databaseUrl: string,
    public keys: JsonWebKey[],
    public currentKid: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const { startSeamless } = await import('@seamless/testing');
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

export interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  body: unknown;
}

export async function call(
  url: string,
  options: { token?: string; authorization?: string; method?: string; json?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization =
    options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) {
    headers.authorization = authorization;
  }
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body,
  };
}

export async function login(
  auth: AuthServer,
  username = 'guang',
  password = '123456',
): Promise<{ access_token: string; refresh_token: string }> {
  const answer = await call(`${auth.url}/user/login`, {
    method: 'POST',
    json: { username, password },
  });
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`login ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body as { access_token: string; refresh_token: string };
}

/** Waits for a condition by polling: ordering, never a timed assertion. */
export async function eventually(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`gave up waiting: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
