import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { decodeJwtPart, type TokenPair } from '@seamless/testing';
import { loadConfig } from '../src/config/config';
import { KeysService } from '../src/keys/keys.service';
import { generateRefreshTokenSecret, generateSigningJwk } from '../src/keys/signing-keys';
import { createTestDatabase } from './support/databases';
import { Api } from './support/http';
import { serveFreshDatabase, startServer } from './support/server';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  const fixture = serveFreshDatabase('sqlite');
  let pair: TokenPair;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;

  before(async () => {
    pair = (await fixture.api.login('guang', '123456')).body;
    header = decodeJwtPart(pair.access_token, 0);
    claims = decodeJwtPart(pair.access_token, 1);
  });

  async function assertRejected(token: string, why: string): Promise<void> {
    const reply = await fixture.api.get('/bbb', token);
    assert.equal(reply.status, 401, why);
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer error="invalid_token"', why);
  }

  it('carries the contract claims, typ at+jwt and a kid', () => {
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'ES256');
    assert.equal(typeof header.kid, 'string');
    for (const name of ['iss', 'aud', 'sub', 'userId', 'username', 'sid', 'jti', 'iat', 'exp']) {
      assert.ok(claims[name] !== undefined, name);
    }
    assert.equal(claims.aud, 'seamless');
    assert.equal(claims.sub, String(claims.userId));
    assert.equal(claims.username, 'guang');
  });

  it('rejects alg none', async () => {
    await assertRejected(`${b64({ ...header, alg: 'none' })}.${b64(claims)}.`, 'alg none');
    await assertRejected(
      `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`,
      'alg none without kid',
    );
  });

  it('rejects HMAC signed with the public key', async () => {
    const { keys } = (
      await fixture.api.get<{ keys: Record<string, string>[] }>('/.well-known/jwks.json')
    ).body;
    const publicJwk = JSON.stringify(keys[0]);
    const forgedHeader = b64({ ...header, alg: 'HS256' });
    const body = b64({ ...claims, username: 'admin' });
    const signature = createHmac('sha256', publicJwk)
      .update(`${forgedHeader}.${body}`)
      .digest('base64url');
    await assertRejected(`${forgedHeader}.${body}.${signature}`, 'HS256 with the public JWK');
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = pair.access_token.split('.');
    await assertRejected(
      `${h}.${b64({ ...claims, userId: 2, sub: '2' })}.${s}`,
      'tampered payload',
    );
  });

  it('rejects a token signed by a foreign key, even under our kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: String(header.kid), typ: 'at+jwt' })
      .sign(privateKey);
    await assertRejected(forged, 'foreign key');
  });

  it('rejects a token of our own key with the wrong typ, issuer or audience', async () => {
    const keys = JSON.parse(readFileSync(fixture.server.keysFile, 'utf8')) as {
      signingKeys: Record<string, string>[];
    };
    const { createPrivateKey } = await import('node:crypto');
    const ours = createPrivateKey({ key: keys.signingKeys[0], format: 'jwk' });
    const sign = (h: Record<string, unknown>, c: Record<string, unknown>) =>
      new SignJWT(c).setProtectedHeader({ alg: 'ES256', kid: String(header.kid), ...h }).sign(ours);
    assert.equal(
      (await fixture.api.get('/bbb', await sign({ typ: 'at+jwt' }, claims))).status,
      200,
      'control',
    );
    await assertRejected(await sign({ typ: 'JWT' }, claims), 'typ JWT');
    await assertRejected(await sign({ typ: 'at+jwt' }, { ...claims, aud: 'other' }), 'audience');
    await assertRejected(
      await sign({ typ: 'at+jwt' }, { ...claims, iss: 'https://evil.example' }),
      'issuer',
    );
    await assertRejected(
      await sign({ typ: 'at+jwt' }, { ...claims, exp: Math.floor(Date.now() / 1000) - 5 }),
      'expired',
    );
    const withoutSid = { ...claims, sid: undefined };
    await assertRejected(await sign({ typ: 'at+jwt' }, withoutSid), 'no sid');
  });

  /** Signs claims with the server's own current key, as only the server could. */
  async function signAsServer(
    changes: Record<string, unknown>,
    headerChanges: Record<string, unknown> = {},
  ): Promise<string> {
    const keys = JSON.parse(readFileSync(fixture.server.keysFile, 'utf8')) as {
      signingKeys: Record<string, string>[];
    };
    const ours = createPrivateKey({ key: keys.signingKeys[0], format: 'jwk' });
    const body = Object.fromEntries(
      Object.entries({ ...claims, ...changes }).filter(([, value]) => value !== undefined),
    );
    return new SignJWT(body)
      .setProtectedHeader({
        alg: 'ES256',
        kid: String(header.kid),
        typ: 'at+jwt',
        ...headerChanges,
      })
      .sign(ours);
  }

  it('takes the user from sub: a userId claim that disagrees with it is refused', async () => {
    await assertRejected(await signAsServer({ userId: Number(claims.userId) + 1 }), 'userId ≠ sub');
    await assertRejected(await signAsServer({ userId: String(claims.userId) }), 'userId as text');
    await assertRejected(await signAsServer({ sub: `0${String(claims.sub)}` }), 'sub with a 0');
    await assertRejected(await signAsServer({ sub: 'guang' }), 'sub not a number');
    const withoutUserId = await signAsServer({ userId: undefined });
    const me = await fixture.api.get<{ id: number; username: string }>('/user/me', withoutUserId);
    assert.equal(me.status, 200, 'a token without the userId claim names its user by sub');
    assert.deepEqual(me.body, { id: claims.userId, username: 'guang' });
  });

  it('refuses a token issued more than 60 s in the future, and allows a little clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRejected(await signAsServer({ iat: now + 120, exp: now + 3600 }), 'iat +120 s');
    const skewed = await signAsServer({ iat: now + 30, exp: now + 3600 });
    assert.equal((await fixture.api.get('/bbb', skewed)).status, 200, 'iat +30 s passes');
  });

  it('accepts one spelling of a token: no padding, stray bits or skipped characters', async () => {
    const token = pair.access_token;
    const [h, p, s] = token.split('.');
    // The last character of an 86-character segment carries 2 bits of the 64 bytes and 4 unused ones.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.at(-1) ?? '');
    const strayBits = `${s.slice(0, -1)}${alphabet[last ^ 1]}`;
    assert.deepEqual(
      Buffer.from(strayBits, 'base64url'),
      Buffer.from(s, 'base64url'),
      'the same signature bytes',
    );
    await assertRejected(`${h}.${p}.${strayBits}`, 'stray bits in the signature');
    await assertRejected(`${h}.${p}.${s}==`, 'padded signature');
    await assertRejected(`${h}.${p}.${s.slice(0, 10)}!${s.slice(10)}`, 'a character base64 skips');
    await assertRejected(`${h}.${p}=.${s}`, 'padded payload');
    assert.equal((await fixture.api.get('/bbb', token)).status, 200, 'the canonical spelling');
  });

  it('rejects a refresh token presented as an access token', async () => {
    await assertRejected(pair.refresh_token, 'refresh token');
  });

  it('rejects garbage, other schemes and oversized tokens', async () => {
    await assertRejected('garbage', 'garbage');
    await assertRejected('a.b.c', 'three parts');
    await assertRejected('x'.repeat(5000), 'oversized');
    const basic = await fixture.api.request('GET', '/bbb', {
      headers: { authorization: `Basic ${b64('guang:123456')}` },
    });
    assert.equal(basic.status, 401);
    assert.equal(basic.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  it('keeps accepting the genuine token after all of the above', async () => {
    assert.equal((await fixture.api.get('/bbb', pair.access_token)).status, 200);
  });
});

describe('access tokens of every key type', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`signs with an ${alg} key and verifies what it signed`, async () => {
      const db = await createTestDatabase('sqlite');
      const server = await startServer({
        DATABASE_URL: db.url,
        JWT_SIGNING_KEYS: JSON.stringify([await generateSigningJwk(alg)]),
        REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
      });
      try {
        const api = new Api(server.url);
        const { access_token: token } = (await api.login('guang', '123456')).body;
        assert.equal(decodeJwtPart(token, 0).alg, alg);
        assert.equal((await api.get('/bbb', token)).status, 200);
        const jwks = await api.get<{ keys: { alg: string }[] }>('/.well-known/jwks.json');
        assert.deepEqual(
          jwks.body.keys.map((key) => key.alg),
          [alg],
        );
      } finally {
        await server.close();
        await db.drop();
      }
    });
  }

  it('refuses an RSA key shorter than 2048 bits at start, naming the variable', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const config = loadConfig({
      JWT_SIGNING_KEYS: JSON.stringify([privateKey.export({ format: 'jwk' })]),
      REFRESH_TOKEN_SECRET: generateRefreshTokenSecret(),
    });
    await assert.rejects(KeysService.create(config), /JWT_SIGNING_KEYS: .*2048/);
  });
});
