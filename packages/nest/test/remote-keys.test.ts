import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { freePort, waitFor } from '@seamless/testing';
import { AccessTokenVerifier, RemoteJwks, type Verdict } from '../src/core';
import { newKey, recordingLogger, StubIssuer, type StubKey } from './support/stub-issuer';

/** Background polls and fetches take their time; waiting is ordering, not a timed assertion. */
const PATIENCE_MS = 30_000;

const audience = 'orders';

describe('keys fetched from the issuer', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  async function setUp(options: { cooldownMs?: number; maxAgeMs?: number; listen?: boolean }) {
    const issuer = new StubIssuer(await freePort());
    issuer.keys = [newKey('k1')];
    if (options.listen !== false) {
      await issuer.listen();
    }
    cleanups.push(() => issuer.close());
    const logger = recordingLogger();
    const keys = new RemoteJwks({
      url: `${issuer.url}/.well-known/jwks.json`,
      cooldownMs: options.cooldownMs,
      maxAgeMs: options.maxAgeMs,
      logger,
    });
    cleanups.push(() => keys.close());
    const verifier = new AccessTokenVerifier({ issuer: issuer.url, audience, keys });
    keys.start();
    return { issuer, keys, verifier, logger };
  }

  const tokenWithKid = (issuer: StubIssuer, kid: string): Promise<string> =>
    issuer.token(audience, {}, { ...newKey(kid) } satisfies StubKey);

  it('fetches the keys once at start and verifies with them', async () => {
    const { issuer, keys, verifier } = await setUp({});
    await keys.whenReady();
    const verdict = await verifier.verify(await issuer.token(audience));
    assert.equal(verdict.ok, true);
    assert.equal(issuer.count('/.well-known/jwks.json'), 1);
  });

  it('a flood of unknown kids costs the issuer at most one fetch per cooldown', async () => {
    const { issuer, keys, verifier } = await setUp({ cooldownMs: 60_000 });
    await keys.whenReady();
    const forged = await Promise.all(
      Array.from({ length: 200 }, () => tokenWithKid(issuer, randomBytes(8).toString('hex'))),
    );
    const verdicts = await Promise.all(forged.map((token) => verifier.verify(token)));
    assert.ok(verdicts.every((verdict) => !verdict.ok));
    assert.equal(issuer.count('/.well-known/jwks.json'), 1, 'within the cooldown: no refetch');
  });

  it('picks up a rotated key on its first token once the cooldown has passed, with one fetch', async () => {
    const { issuer, keys, verifier } = await setUp({ cooldownMs: 1_000 });
    await keys.whenReady();
    const rotated = newKey('k2');
    issuer.keys = [rotated, ...issuer.keys];
    const lastFetch = Date.now();
    await waitFor('the cooldown to pass', () => Date.now() - lastFetch > 1_200, PATIENCE_MS);
    // The genuine token of the new key and a flood of forged kids, all at once.
    const genuine = verifier.verify(await issuer.token(audience, {}, rotated));
    const forged = await Promise.all(
      Array.from({ length: 50 }, () => tokenWithKid(issuer, randomBytes(8).toString('hex'))),
    );
    const flood = forged.map((token) => verifier.verify(token));
    assert.equal((await genuine).ok, true, 'the new key verifies without a restart');
    assert.ok((await Promise.all(flood)).every((verdict) => !verdict.ok));
    assert.equal(issuer.count('/.well-known/jwks.json'), 2, 'one fetch for all of them');
  });

  it('when the issuer is down at start: 401s, one warning, and the keys once it is back', async () => {
    const { issuer, keys, verifier, logger } = await setUp({ listen: false, cooldownMs: 2_000 });
    await waitFor('the first failed fetch', () => logger.warnings().length > 0, PATIENCE_MS);
    const token = await issuer.token(audience);
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 20; i++) {
      verdicts.push(await verifier.verify(token));
    }
    assert.ok(verdicts.every((verdict) => !verdict.ok && verdict.reason === 'unknown_key'));
    assert.equal(keys.ready, false);

    await issuer.listen();
    await keys.whenReady();
    assert.equal((await verifier.verify(token)).ok, true, 'the same token passes now');
    assert.equal(logger.warnings().length, 1, `logged once: ${JSON.stringify(logger.lines)}`);
    assert.match(logger.warnings()[0], /401 until the signing keys arrive/);
    assert.equal(logger.lines.filter((line) => line.level === 'log').length, 1);
  });

  it('while the issuer fails, a flood of requests does not turn into a flood of fetches', async () => {
    const { issuer, verifier, logger } = await setUp({ cooldownMs: 60_000 });
    issuer.jwksStatus = 503;
    const tokens = await Promise.all(
      Array.from({ length: 5 }, () => tokenWithKid(issuer, randomBytes(8).toString('hex'))),
    );
    // The start-up fetch may or may not have been answered yet: count from its failure.
    await waitFor('the failed fetch', () => logger.warnings().length > 0, PATIENCE_MS);
    const before = issuer.count('/.well-known/jwks.json');
    for (let i = 0; i < 200; i++) {
      await verifier.verify(tokens[i % tokens.length]);
    }
    const fetches = issuer.count('/.well-known/jwks.json') - before;
    // Background retries back off from 0.5 s; the requests themselves add none.
    assert.ok(fetches <= 2, `${fetches} fetches during 200 requests`);
  });

  it('keeps verifying with the keys it has when a later fetch fails, and refetches after max-age', async () => {
    const { issuer, keys, verifier, logger } = await setUp({ maxAgeMs: 200 });
    await keys.whenReady();
    const token = await issuer.token(audience);
    issuer.jwksStatus = 500;
    await waitFor('a failed background refetch', () => logger.warnings().length > 0, PATIENCE_MS);
    assert.match(logger.warnings()[0], /keeps verifying with the keys it has/);
    assert.equal((await verifier.verify(token)).ok, true);

    issuer.jwksStatus = 200;
    issuer.keys = [newKey('k3')];
    await waitFor('the new key set', () => keys.kids().includes('k3'), PATIENCE_MS);
    assert.deepEqual(keys.kids(), ['k3'], 'a key the issuer removed is gone');
  });
});
