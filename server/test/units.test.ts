import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseDuration } from '../src/config/duration';
import { positionalParameters } from '../src/database/placeholders';
import { maskQuery } from '../src/logging/logger';
import { RefreshTokenCodec } from '../src/sessions/refresh-token.codec';
import {
  decideRefresh,
  parseRotationLog,
  recordRotation,
  serializeRotationLog,
  type RotationLog,
  type RotationPolicy,
} from '../src/sessions/rotation-policy';

describe('parseDuration', () => {
  it('reads the contract forms and refuses the rest', () => {
    assert.equal(parseDuration('45s'), 45);
    assert.equal(parseDuration('30m'), 1800);
    assert.equal(parseDuration('12h'), 43200);
    assert.equal(parseDuration('7d'), 604800);
    assert.equal(parseDuration('90'), 90);
    for (const bad of ['', '1w', '-5s', '1.5h', 's', '10 m', '1e3']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
  });
});

describe('RefreshTokenCodec', () => {
  const codec = new RefreshTokenCodec(randomBytes(32));

  it('round-trips a session id and counter', () => {
    const sessionId = RefreshTokenCodec.newSessionId();
    const token = codec.encode({ sessionId, counter: 41 });
    assert.deepEqual(codec.decode(token), { sessionId, counter: 41 });
  });

  it('refuses a token made with another key, or altered anywhere', () => {
    const token = codec.encode({ sessionId: RefreshTokenCodec.newSessionId(), counter: 0 });
    assert.equal(new RefreshTokenCodec(randomBytes(32)).decode(token), undefined);
    for (let i = 0; i < token.length; i += 7) {
      const altered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      assert.equal(codec.decode(altered), undefined, `position ${i}`);
    }
    assert.equal(codec.decode(''), undefined);
    assert.equal(codec.decode('!'.repeat(token.length)), undefined);
  });

  it('refuses every spelling of a token but its own', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = codec.encode({ sessionId: RefreshTokenCodec.newSessionId(), counter: 7 });
    // 53 bytes take 71 characters, whose last one holds 4 bits and 2 unused ones: set,
    // those give three more texts that a lenient decoder reads as the same bytes.
    const last = alphabet.indexOf(token.at(-1) ?? '');
    for (const unused of [1, 2, 3]) {
      const twin = token.slice(0, -1) + alphabet[last | unused];
      assert.deepEqual(Buffer.from(twin, 'base64url'), Buffer.from(token, 'base64url'));
      assert.equal(codec.decode(twin), undefined, twin);
    }
    assert.ok(codec.decode(token));
  });
});

describe('decideRefresh', () => {
  const policy: RotationPolicy = {
    refreshTokenTtlMs: 60_000,
    sessionMaxAgeMs: 600_000,
    reuseGraceMs: 10_000,
  };
  const now = 1_000_000;
  const rotations: RotationLog = [
    [1, now - 20_000],
    [2, now - 5_000],
  ];
  const session = {
    counter: 3,
    rotations,
    createdAt: now - 100_000,
    expiresAt: now + 60_000,
    revokedAt: null,
  };

  it('rotates the current token', () =>
    assert.equal(decideRefresh(session, 3, now, policy), 'rotate'));
  it('reissues a token rotated inside the grace', () =>
    assert.equal(decideRefresh(session, 2, now, policy), 'reissue'));
  it('calls a token rotated before the grace theft', () =>
    assert.equal(decideRefresh(session, 1, now, policy), 'reuse'));
  it('calls a token older than the log theft', () =>
    assert.equal(decideRefresh(session, 0, now, policy), 'reuse'));
  it('refuses a counter never issued', () =>
    assert.equal(decideRefresh(session, 4, now, policy), 'reject'));
  it('refuses revoked, idle and too-old sessions', () => {
    assert.equal(decideRefresh({ ...session, revokedAt: now - 1 }, 3, now, policy), 'reject');
    assert.equal(decideRefresh({ ...session, expiresAt: now }, 3, now, policy), 'reject');
    assert.equal(decideRefresh({ ...session, createdAt: now - 600_000 }, 3, now, policy), 'reject');
  });
  it('keeps only rotations inside the grace in the log, and none without a grace', () => {
    const log = parseRotationLog(
      serializeRotationLog(recordRotation(session.rotations, 3, now, 10_000)),
    );
    assert.deepEqual(log, [
      [2, now - 5_000],
      [3, now],
    ]);
    assert.equal(serializeRotationLog(recordRotation(log, 4, now, 0)), '[]');
    assert.ok(
      serializeRotationLog(
        recordRotation(
          Array.from({ length: 100 }, (_, i) => [i, now] as [number, number]),
          100,
          now,
          10_000,
        ),
      ).length <= 1024,
    );
  });
});

describe('positionalParameters', () => {
  it('numbers the placeholders for PostgreSQL, outside string literals only', () => {
    const sql = "UPDATE t SET a = ?, b = 'why? it''s ?' WHERE c = ? AND d = '?'";
    assert.equal(
      positionalParameters(sql, 'postgres'),
      "UPDATE t SET a = $1, b = 'why? it''s ?' WHERE c = $2 AND d = '?'",
    );
    assert.equal(positionalParameters(sql, 'mysql'), sql);
    assert.equal(positionalParameters(sql, 'better-sqlite3'), sql);
  });
});

describe('maskQuery', () => {
  it('masks every query value and keeps the path', () => {
    assert.equal(
      maskQuery('/user/refresh?refresh_token=abc.def'),
      '/user/refresh?refresh_token=[REDACTED]',
    );
    assert.equal(maskQuery('/bbb'), '/bbb');
    assert.equal(maskQuery('/x?a=1&b'), '/x?a=[REDACTED]&b=[REDACTED]');
  });
});
