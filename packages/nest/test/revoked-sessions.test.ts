import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { freePort, waitFor } from '@seamless/testing';
import { RevokedSessions } from '../src/core';
import { recordingLogger, StubIssuer } from './support/stub-issuer';

/** Background polls and fetches take their time; waiting is ordering, not a timed assertion. */
const PATIENCE_MS = 30_000;

describe('revoked-sessions feed', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  async function setUp(listen = true) {
    const issuer = new StubIssuer(await freePort());
    if (listen) {
      await issuer.listen();
    }
    cleanups.push(() => issuer.close());
    const logger = recordingLogger();
    const feed = new RevokedSessions({
      url: `${issuer.url}/.well-known/revoked-sessions`,
      intervalMs: 50,
      logger,
    });
    cleanups.push(() => feed.close());
    return { issuer, feed, logger };
  }

  it('reads the whole window first, then what changed since the last answer (with overlap)', async () => {
    const { issuer, feed } = await setUp();
    issuer.revoked = ['s1'];
    feed.start();
    await waitFor('s1 revoked', () => feed.isRevoked('s1'), PATIENCE_MS);
    issuer.revoked = ['s2'];
    await waitFor('s2 revoked', () => feed.isRevoked('s2'), PATIENCE_MS);
    assert.equal(feed.isRevoked('s1'), true, 'an incremental answer adds, it does not replace');
    assert.equal(feed.isRevoked('s3'), false);
    const [first, ...later] = issuer.requests;
    assert.equal(first, '/.well-known/revoked-sessions', 'the first read has no since');
    for (const url of later) {
      assert.match(url, /^\/\.well-known\/revoked-sessions\?since=\d+$/);
    }
    const since = Number(/since=(\d+)/.exec(later[0] ?? '')?.[1]);
    assert.ok(since <= Date.now() - 4_000, 'since overlaps the last answer by 5 s');
    assert.equal(feed.state, 'following');
  });

  it('says once that an issuer without the feed leaves ended sessions valid until exp', async () => {
    const { issuer, feed, logger } = await setUp();
    issuer.feedStatus = 404;
    feed.start();
    await waitFor('the 404', () => feed.state === 'missing', PATIENCE_MS);
    await feed.nextPoll();
    assert.deepEqual(logger.warnings().length, 1);
    assert.match(logger.warnings()[0], /404.*until they expire/);
  });

  it('keeps what it knows while the feed is unreachable, and says so once', async () => {
    const { issuer, feed, logger } = await setUp();
    issuer.revoked = ['s1'];
    feed.start();
    await waitFor('s1 revoked', () => feed.isRevoked('s1'), PATIENCE_MS);
    issuer.feedStatus = 503;
    await waitFor('the outage', () => feed.state === 'unreachable', PATIENCE_MS);
    await feed.nextPoll();
    await feed.nextPoll();
    assert.equal(feed.isRevoked('s1'), true);
    assert.equal(logger.warnings().length, 1, JSON.stringify(logger.lines));
    issuer.feedStatus = 200;
    issuer.revoked = ['s2'];
    await waitFor('back', () => feed.isRevoked('s2'), PATIENCE_MS);
    assert.equal(logger.lines.filter((line) => line.level === 'log').length, 1, 'the recovery');
  });

  it('goes back to reading the whole window when a poll is refused', async () => {
    const { issuer, feed } = await setUp();
    issuer.refuseSince = true;
    issuer.revoked = ['s1'];
    feed.start();
    await waitFor('s1 revoked', () => feed.isRevoked('s1'), PATIENCE_MS);
    issuer.revoked = ['s2'];
    await waitFor('s2 revoked despite the refused polls', () => feed.isRevoked('s2'), PATIENCE_MS);
  });

  it('says once that the feed is unreachable when no issuer answers', async () => {
    const { feed, logger } = await setUp(false);
    feed.start();
    await waitFor('no issuer', () => feed.state === 'unreachable', PATIENCE_MS);
    assert.equal(logger.warnings().length, 1);
  });
});
