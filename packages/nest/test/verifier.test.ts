import assert from 'node:assert/strict';
import {
  createHmac,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  AccessTokenVerifier,
  StaticKeySource,
  keyFromJwk,
  verificationKey,
  type Verdict,
} from '../src/core';

const issuer = 'https://auth.example.com';
const audience = 'orders';
const now = () => Math.floor(Date.now() / 1000);

const pairs = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: generateKeyPairSync('ed25519'),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
type Alg = keyof typeof pairs;

function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: issuer,
    aud: audience,
    sub: '7',
    userId: 7,
    username: 'guang',
    sid: randomBytes(16).toString('base64url'),
    jti: randomBytes(12).toString('base64url'),
    iat: now(),
    exp: now() + 600,
    ...changes,
  };
  return Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
}

function sign(
  alg: Alg,
  body: Record<string, unknown> = claims(),
  header: Record<string, unknown> = {},
  key: KeyObject = pairs[alg].privateKey,
): Promise<string> {
  return new SignJWT(body)
    .setProtectedHeader({ alg, kid: alg, typ: 'at+jwt', ...header })
    .sign(key);
}

function verifier(options: { isRevoked?: (sid: string) => boolean; cacheSize?: number } = {}) {
  return new AccessTokenVerifier({
    issuer,
    audience,
    keys: new StaticKeySource(
      (Object.keys(pairs) as Alg[]).map((alg) => verificationKey(alg, pairs[alg].publicKey)),
    ),
    ...options,
  });
}

function verdictOf(result: Verdict | Promise<Verdict>): Verdict {
  assert.ok(!(result instanceof Promise), 'local keys answer synchronously');
  return result;
}

function assertRejected(v: AccessTokenVerifier, token: string, reason: string, why: string) {
  const verdict = verdictOf(v.check(token));
  assert.equal(verdict.ok, false, why);
  assert.equal(verdict.ok ? undefined : verdict.reason, reason, why);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An ES256 token made by hand, for headers and payloads jose refuses to produce. */
function signRaw(header: Record<string, unknown>, payload: string): string {
  const input = `${b64({ alg: 'ES256', kid: 'ES256', typ: 'at+jwt', ...header })}.${Buffer.from(payload).toString('base64url')}`;
  const signature = cryptoSign('sha256', Buffer.from(input), {
    key: pairs.ES256.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

describe('access-token verifier', () => {
  for (const alg of Object.keys(pairs) as Alg[]) {
    it(`accepts a genuine ${alg} token and names its user by sub`, async () => {
      const body = claims();
      const verdict = verdictOf(verifier().check(await sign(alg, body)));
      assert.deepEqual(verdict, {
        ok: true,
        principal: { userId: 7, username: 'guang', sessionId: body.sid, exp: body.exp },
      });
    });
  }

  it('lets the key decide the algorithm: another alg in the header, none or HMAC never pass', async () => {
    const v = verifier();
    // An ES256 signature presented under the EdDSA key's kid.
    assertRejected(v, await sign('ES256', claims(), { kid: 'EdDSA' }), 'signature', 'wrong key');
    const body = b64(claims());
    assertRejected(
      v,
      `${b64({ alg: 'none', kid: 'ES256', typ: 'at+jwt' })}.${body}.`,
      'signature',
      'none',
    );
    assertRejected(v, `${b64({ alg: 'none', typ: 'at+jwt' })}.${body}.`, 'malformed', 'no kid');
    const hmacHeader = b64({ alg: 'HS256', kid: 'ES256', typ: 'at+jwt' });
    const publicPem = pairs.ES256.publicKey.export({ format: 'pem', type: 'spki' });
    const mac = createHmac('sha256', publicPem).update(`${hmacHeader}.${body}`).digest('base64url');
    assertRejected(v, `${hmacHeader}.${body}.${mac}`, 'signature', 'HMAC with the public key');
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    assertRejected(v, await sign('ES256', claims(), {}, foreign), 'signature', 'foreign key');
  });

  it('refuses a token naming a key it does not know', async () => {
    assertRejected(
      verifier(),
      await sign('ES256', claims(), { kid: 'other' }),
      'unknown_key',
      'kid',
    );
  });

  it('checks typ and refuses critical extensions', async () => {
    const v = verifier();
    assertRejected(v, await sign('ES256', claims(), { typ: 'JWT' }), 'malformed', 'typ JWT');
    assertRejected(v, await sign('ES256', claims(), { typ: undefined }), 'malformed', 'no typ');
    assertRejected(
      v,
      signRaw({ crit: ['exp'] }, JSON.stringify(claims())),
      'malformed',
      'crit names an extension nobody here understands',
    );
    assert.equal(
      verdictOf(v.check(await sign('ES256', claims(), { typ: 'application/at+jwt' }))).ok,
      true,
      'the media type spelled out in full is the same typ',
    );
  });

  it('checks iss, aud, exp, iat and nbf', async () => {
    const v = verifier();
    assertRejected(
      v,
      await sign('ES256', claims({ iss: 'https://evil.example' })),
      'claims',
      'iss',
    );
    assertRejected(v, await sign('ES256', claims({ aud: 'billing' })), 'claims', 'aud');
    assert.equal(
      verdictOf(v.check(await sign('ES256', claims({ aud: ['billing', audience] })))).ok,
      true,
    );
    assertRejected(v, await sign('ES256', claims({ exp: now() })), 'expired', 'exp now: no leeway');
    assertRejected(
      v,
      await sign('ES256', claims({ iat: now() + 61 })),
      'not_yet_valid',
      'iat +61 s',
    );
    assert.equal(verdictOf(v.check(await sign('ES256', claims({ iat: now() + 55 })))).ok, true);
    assertRejected(v, await sign('ES256', claims({ nbf: now() + 30 })), 'not_yet_valid', 'nbf');
  });

  it('requires sub, sid, jti, iat, exp and username, and a userId equal to sub', async () => {
    const v = verifier();
    for (const name of ['sub', 'sid', 'jti', 'iat', 'exp', 'username']) {
      assertRejected(v, await sign('ES256', claims({ [name]: undefined })), 'claims', `no ${name}`);
    }
    for (const sub of ['07', '-7', '7.0', '7e0', ' 7', 'guang', '99999999999999999']) {
      assertRejected(
        v,
        await sign('ES256', claims({ sub })),
        'claims',
        `sub ${JSON.stringify(sub)}`,
      );
    }
    assertRejected(v, await sign('ES256', claims({ userId: 8 })), 'claims', 'userId ≠ sub');
    assertRejected(v, await sign('ES256', claims({ userId: '7' })), 'claims', 'userId as text');
    const verdict = verdictOf(v.check(await sign('ES256', claims({ userId: undefined }))));
    assert.equal(verdict.ok && verdict.principal.userId, 7, 'no userId claim: sub alone');
  });

  it('accepts only the canonical spelling of each segment', async () => {
    const v = verifier({ cacheSize: 1 });
    const token = await sign('EdDSA');
    const [h, p, s] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const flip = (segment: string) =>
      `${segment.slice(0, -1)}${alphabet[alphabet.indexOf(segment.at(-1) ?? '') ^ 1]}`;
    for (const [spelling, why] of [
      [`${h}.${p}.${flip(s)}`, 'stray bits in the signature'],
      [`${h}.${p}.${s}=`, 'padding'],
      [`${h}.${p}.${s.slice(0, 9)}*${s.slice(9)}`, 'a character base64 skips'],
      [`${h}.${p}.${s.slice(0, 9)}+${s.slice(9)}`, 'base64 (not url) alphabet'],
      [`${h}=.${p}.${s}`, 'padded header'],
      [`${h}.${p}.${s}.`, 'a fourth segment'],
      [`.${p}.${s}`, 'no header'],
    ] as const) {
      const verdict = verdictOf(v.check(spelling));
      assert.equal(verdict.ok, false, why);
    }
    assert.equal(verdictOf(v.check(token)).ok, true, 'the canonical spelling passes');
  });

  it('refuses oversized tokens and payloads that are not JSON objects', () => {
    const v = verifier();
    assertRejected(v, 'x'.repeat(5000), 'malformed', 'oversized');
    for (const payload of ['[1]', 'null', '"text"', '{']) {
      assertRejected(v, signRaw({}, payload), 'malformed', payload);
    }
    assert.equal(verdictOf(v.check(signRaw({}, JSON.stringify(claims())))).ok, true, 'control');
  });

  it('asks isRevoked after the signature check and again on every cache hit', async () => {
    const revoked = new Set<string>();
    const asked: string[] = [];
    const v = verifier({
      isRevoked: (sid) => {
        asked.push(sid);
        return revoked.has(sid);
      },
    });
    const body = claims();
    const token = await sign('ES256', body);
    assert.equal(verdictOf(v.check(token)).ok, true);
    assert.equal(v.lookup(token)?.sessionId, body.sid, 'a cache hit');
    assert.equal(asked.length, 2, 'asked once after verifying, once on the hit');
    revoked.add(String(body.sid));
    assert.equal(v.lookup(token), null, 'the cached token of an ended session no longer passes');
    assertRejected(v, token, 'revoked', 'and stays refused');
    assertRejected(v, await sign('ES256', body), 'revoked', 'another token of that session');
    const forged = await sign(
      'ES256',
      body,
      {},
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    );
    asked.length = 0;
    verdictOf(v.check(forged));
    assert.deepEqual(asked, [], 'a forged token never reaches the revocation check');
  });

  it('remembers verified tokens (bounded) and rejected ones', async () => {
    const v = verifier({ cacheSize: 2 });
    const [a, b, c] = await Promise.all([sign('ES256'), sign('ES256'), sign('ES256')]);
    for (const token of [a, b, c]) {
      assert.equal(verdictOf(v.check(token)).ok, true);
    }
    assert.equal(v.lookup(a), undefined, 'the oldest went when the cache was full');
    assert.ok(v.lookup(b) && v.lookup(c));
    const bad = `${a.slice(0, -2)}AA`;
    assert.equal(v.lookup(bad), undefined);
    verdictOf(v.check(bad));
    assert.equal(v.lookup(bad), null, 'a rejected token is remembered');
  });

  it('uses only the keys of a JWK set it can trust', () => {
    const jwk = pairs.ES256.publicKey.export({ format: 'jwk' });
    assert.equal(keyFromJwk({ ...jwk, kid: 'a' })?.alg, 'ES256');
    assert.equal(keyFromJwk({ ...jwk, kid: 'a', alg: 'ES256', use: 'sig' })?.kid, 'a');
    assert.equal(keyFromJwk({ ...jwk }), undefined, 'no kid');
    assert.equal(keyFromJwk({ ...jwk, kid: 'a', use: 'enc' }), undefined, 'not for signatures');
    assert.equal(keyFromJwk({ ...jwk, kid: 'a', alg: 'ES384' }), undefined, 'alg disagrees');
    const secret = pairs.ES256.privateKey.export({ format: 'jwk' });
    assert.equal(keyFromJwk({ ...secret, kid: 'a' }), undefined, 'a private key');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'jwk',
    });
    assert.equal(keyFromJwk({ ...small, kid: 'r' }), undefined, 'RSA under 2048 bits');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      format: 'jwk',
    });
    assert.equal(keyFromJwk({ ...p384, kid: 'p' }), undefined, 'another curve');
    assert.equal(keyFromJwk({ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }), undefined, 'a symmetric key');
  });
});
