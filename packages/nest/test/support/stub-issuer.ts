import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT, type JWK } from 'jose';

/** A signing key of the stub issuer. */
export interface StubKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JWK;
}

export function newKey(kid: string): StubKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256' } as JWK,
  };
}

/**
 * Plays the part of a Seamless server for the key source and the feed: serves a JWKS
 * and a revoked-sessions feed that a test controls, and counts what it was asked. The
 * system under test is the kit; this stands in for its surroundings.
 */
export class StubIssuer {
  keys: StubKey[] = [];
  /** What the JWKS path answers: the keys, or a failure status. */
  jwksStatus = 200;
  jwksMaxAge = 300;
  feedStatus = 200;
  /** Answer 400 to a poll with `since`, as an issuer would to a value it cannot take. */
  refuseSince = false;
  revoked: string[] = [];
  readonly requests: string[] = [];
  private server: Server | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  count(path: string): number {
    return this.requests.filter((url) => url.split('?')[0] === path).length;
  }

  listen(): Promise<void> {
    const server = createServer((request, response) => {
      const url = request.url ?? '';
      this.requests.push(url);
      const path = url.split('?')[0];
      if (path === '/.well-known/jwks.json' && this.jwksStatus === 200) {
        response.writeHead(200, {
          'content-type': 'application/json',
          'cache-control': `public, max-age=${this.jwksMaxAge}`,
        });
        response.end(JSON.stringify({ keys: this.keys.map((key) => key.jwk) }));
      } else if (path === '/.well-known/jwks.json') {
        response.writeHead(this.jwksStatus).end();
      } else if (
        path === '/.well-known/revoked-sessions' &&
        this.refuseSince &&
        url.includes('since=')
      ) {
        response.writeHead(400).end();
      } else if (path === '/.well-known/revoked-sessions' && this.feedStatus === 200) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ revoked: this.revoked, until: Date.now() }));
      } else {
        response.writeHead(path === '/.well-known/revoked-sessions' ? this.feedStatus : 404).end();
      }
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return Promise.resolve();
    }
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** An access token of this issuer, signed with `key` (the first key by default). */
  token(
    audience: string,
    changes: Record<string, unknown> = {},
    key: StubKey | undefined = this.keys[0],
  ): Promise<string> {
    if (!key) {
      throw new Error('the stub issuer has no key');
    }
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      userId: 7,
      username: 'guang',
      sid: randomBytes(16).toString('base64url'),
      ...changes,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.url)
      .setAudience(audience)
      .setSubject('7')
      .setJti(randomBytes(12).toString('base64url'))
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key.privateKey);
  }
}

/** A logger that keeps what it was told. */
export function recordingLogger() {
  const lines: { level: 'log' | 'warn'; message: string }[] = [];
  return {
    lines,
    log: (message: string) => lines.push({ level: 'log', message }),
    warn: (message: string) => lines.push({ level: 'warn', message }),
    warnings: () => lines.filter((line) => line.level === 'warn').map((line) => line.message),
  };
}
