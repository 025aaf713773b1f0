import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { answerOf, decodeJwtPart, waitFor } from '@seamless/testing';
import { SignJWT } from 'jose';
import { login, occurrences, servicesForBlock, signingKey } from './support';

/** Restarts and key fetches take their time; waiting is ordering, not a timed assertion. */
const PATIENCE_MS = 60_000;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the orders service trusts a running Seamless server', () => {
  const services = servicesForBlock({ authRunning: true });

  it('serves the signed-in user their own orders, and its health to anyone', async () => {
    const { auth, orders } = services;
    const guang = await login(auth);
    assert.deepEqual((await answerOf(`${orders.url}/orders`, { token: guang.access_token })).body, {
      user: 'guang',
      orders: [],
    });
    const placed = await answerOf(`${orders.url}/orders`, {
      token: guang.access_token,
      method: 'POST',
      json: { item: 'tea' },
    });
    assert.equal(placed.status, 201);
    assert.deepEqual(placed.body, { id: 1, item: 'tea', userId: 1 });

    await answerOf(`${auth.url}/user/register`, {
      method: 'POST',
      json: { username: 'alice', password: 'correct horse battery' },
    });
    const alice = await login(auth, 'alice', 'correct horse battery');
    assert.deepEqual((await answerOf(`${orders.url}/orders`, { token: alice.access_token })).body, {
      user: 'alice',
      orders: [],
    });
    assert.equal(
      (await answerOf(`${orders.url}/orders`, { token: guang.access_token })).status,
      200,
    );
    assert.deepEqual((await answerOf(`${orders.url}/health`)).body, { status: 'ok' });
  });

  it('refuses what the Seamless server refuses, with the same 401 and WWW-Authenticate', async () => {
    const { auth, orders } = services;
    const genuine = await login(auth);
    const [h, p] = genuine.access_token.split('.');
    const claims = decodeJwtPart(genuine.access_token, 1);
    const now = Math.floor(Date.now() / 1000);
    const foreignKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = await new SignJWT({ ...claims, username: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: auth.currentKid, typ: 'at+jwt' })
      .sign(foreignKey);
    const hmacHeader = b64({ alg: 'HS256', kid: auth.currentKid, typ: 'at+jwt' });
    const hmac = createHmac('sha256', JSON.stringify(auth.publicJwk()))
      .update(`${hmacHeader}.${p}`)
      .digest('base64url');
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['another scheme', 'Basic Z3Vhbmc6MTIzNDU2'],
      ['garbage', 'Bearer garbage'],
      ['the refresh token', `Bearer ${genuine.refresh_token}`],
      ['expired', `Bearer ${await auth.sign({ exp: now - 1 })}`],
      ['forged with another key under our kid', `Bearer ${forged}`],
      ['alg none', `Bearer ${b64({ alg: 'none', kid: auth.currentKid, typ: 'at+jwt' })}.${p}.`],
      ['HMAC keyed with the public key', `Bearer ${hmacHeader}.${p}.${hmac}`],
      [
        'tampered payload',
        `Bearer ${h}.${b64({ ...claims, sub: '2', userId: 2 })}.${genuine.access_token.split('.')[2]}`,
      ],
      ['another audience', `Bearer ${await auth.sign({ aud: 'billing' })}`],
      ['another issuer', `Bearer ${await auth.sign({ iss: 'https://evil.example' })}`],
    ];
    for (const [why, authorization] of cases) {
      const [kit, server] = await Promise.all([
        answerOf(`${orders.url}/orders`, { authorization }),
        answerOf(`${auth.url}/bbb`, { authorization }),
      ]);
      assert.equal(kit.status, 401, why);
      assert.deepEqual(kit, server, why);
    }
    assert.equal(
      (await answerOf(`${orders.url}/orders`, { token: genuine.access_token })).status,
      200,
    );
  });

  it('accepts tokens of a rotated key without a restart, and tokens of the old key still', async () => {
    const { auth, orders } = services;
    const before = await login(auth);
    // Rotation as docs/KEYS.md describes it, in one go: a new key signs, the old one still verifies.
    await auth.stop();
    auth.keys = [...auth.keys, signingKey('k2')];
    auth.currentKid = 'k2';
    await auth.start();
    const rotated = await login(auth);
    assert.equal(decodeJwtPart(rotated.access_token, 0).kid, 'k2');
    // The first token of the new key makes the service fetch the keys again (at most once per cooldown).
    await waitFor(
      'the new key to be accepted',
      async () =>
        (await answerOf(`${orders.url}/orders`, { token: rotated.access_token })).status === 200,
      PATIENCE_MS,
    );
    assert.equal(
      (await answerOf(`${orders.url}/orders`, { token: before.access_token })).status,
      200,
    );
  });

  it('refuses the tokens of a revoked session within seconds, not at exp', async () => {
    const { auth, orders } = services;
    assert.equal((await answerOf(`${auth.url}/.well-known/revoked-sessions`)).status, 200);
    const pair = await login(auth);
    assert.equal(
      (await answerOf(`${orders.url}/orders`, { token: pair.access_token })).status,
      200,
    );
    const logout = await answerOf(`${auth.url}/user/logout`, {
      token: pair.access_token,
      method: 'POST',
    });
    assert.equal(logout.status, 204);
    await waitFor(
      'the revoked session to be refused',
      async () => {
        const answer = await answerOf(`${orders.url}/orders`, { token: pair.access_token });
        return answer.status === 401 && answer.wwwAuthenticate === 'Bearer error="invalid_token"';
      },
      15_000,
    );
  });
});

describe('the orders service starts while the Seamless server is down', () => {
  const services = servicesForBlock({ authRunning: false });

  it('answers 401 (not 500) until the keys arrive, says so once, and then lets tokens through', async () => {
    const { auth, orders } = services;
    const token = await auth.sign({});
    for (let i = 0; i < 10; i++) {
      const answer = await answerOf(`${orders.url}/orders`, { token });
      assert.equal(answer.status, 401);
      assert.equal(answer.wwwAuthenticate, 'Bearer error="invalid_token"');
    }
    assert.equal((await answerOf(`${orders.url}/health`)).status, 200);

    await auth.start();
    await waitFor(
      'the keys to arrive',
      async () => (await answerOf(`${orders.url}/orders`, { token })).status === 200,
      PATIENCE_MS,
    );
    const output = orders.output();
    assert.equal(
      occurrences(output, 'every request gets 401 until the signing keys arrive'),
      1,
      output,
    );
    assert.equal(occurrences(output, 'verifying with 1 signing key(s)'), 1, output);
  });
});
