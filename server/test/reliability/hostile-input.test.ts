import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJwtPart, type TokenPair } from '@seamless/testing';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { Api } from '../support/http';
import { startServer, type TestServer } from '../support/server';
import { LONG } from './support/services';

const NUM_RUNS = LONG ? 3000 : 300;
/** Not among the values the bodies are drawn from, so no generated body can change it. */
const OWNER_PASSWORD = 'fuzz owner passphrase 7Q';
const TIME_LIMIT_MS = LONG ? 600_000 : 30_000;
const PARAMETERS = {
  numRuns: NUM_RUNS,
  interruptAfterTimeLimit: TIME_LIMIT_MS,
  markInterruptAsFailure: false,
};

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  protected: boolean;
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/aaa', protected: false },
  { method: 'GET', path: '/bbb', protected: true },
  { method: 'POST', path: '/user/login', protected: false },
  { method: 'POST', path: '/user/refresh', protected: false },
  { method: 'GET', path: '/user/refresh', protected: false },
  { method: 'POST', path: '/user/register', protected: false },
  { method: 'POST', path: '/user/password', protected: true },
  { method: 'GET', path: '/user/me', protected: true },
  { method: 'POST', path: '/user/logout', protected: true },
  { method: 'GET', path: '/user/sessions', protected: true },
  { method: 'DELETE', path: '/user/sessions', protected: true },
  { method: 'DELETE', path: '/user/sessions/x', protected: true },
  { method: 'GET', path: '/.well-known/jwks.json', protected: false },
  { method: 'GET', path: '/.well-known/revoked-sessions', protected: false },
  { method: 'GET', path: '/health', protected: false },
];
const PROTECTED = ROUTES.filter((route) => route.protected);
const WITH_BODY = ROUTES.filter((route) => route.method !== 'GET');

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** What HTTP lets a header carry: bytes, not characters, and no line breaks. */
const headerSafe = (text: string) =>
  Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[\r\n\0]/g, ' ');

/** Any generated value as text (objects without a prototype cannot go through String()). */
const asText = (value: unknown) =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

/** Values of every JSON type, where the API expects strings. */
const anyValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
  fc.constantFrom(
    "' OR '1'='1",
    "guang'; DROP TABLE users; --",
    '../../../../etc/passwd',
    '\u0000',
    'ＧＵＡＮＧ',
    'guang\u200b',
    'x'.repeat(10_000),
  ),
);

/** Nested `depth` times: arrays or objects, as far as the body limit allows. */
const deeplyNested = fc
  .tuple(
    fc.integer({ min: 1, max: 7000 }),
    fc.boolean(),
    fc.constantFrom('username', 'refresh_token'),
  )
  .map(([depth, arrays, field]) =>
    arrays
      ? `{"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`
      : `{"${field}":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
  );

const rawBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
  fc
    .record({ username: anyValue, password: anyValue }, { requiredKeys: [] })
    .map((value) => JSON.stringify(value)),
  fc
    .record({ refresh_token: anyValue }, { requiredKeys: [] })
    .map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true},"username":"guang","password":"x"}',
    '{"constructor":{"prototype":{"userId":1}}}',
    '{"username":"guang","password":"123456","username":{"$ne":null}}',
    '{"refresh_token":"a","refresh_token":["b"]}',
    '{',
    '\u0000',
    '',
  ),
  deeplyNested,
  fc.string({ maxLength: 200 }),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  undefined,
);

/** A query string of arbitrary pairs, broken escapes and repeated keys. */
const queryString = fc.oneof(
  fc
    .array(
      fc.tuple(fc.constantFrom('refresh_token', 'a', '__proto__', 'refresh_token[]'), anyValue),
      {
        maxLength: 4,
      },
    )
    .map((pairs) =>
      pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(asText(v))}`).join('&'),
    ),
  fc.constantFrom('%', '%zz', '%00', 'refresh_token=%E0%A4%A', 'refresh_token', '&&&=', '='),
  fc.string({ maxLength: 100 }).map(encodeURIComponent),
);

describe('hostile input', () => {
  let db: TestDatabase;
  let server: TestServer;
  let api: Api;
  let genuine: TokenPair;
  let victim: TokenPair;
  let kid: string;
  let publicJwk: JsonWebKey;
  let publicPem: string;
  let claims: Record<string, unknown>;
  let sent = 0;

  before(async () => {
    db = await createTestDatabase('sqlite');
    server = await startServer({
      DATABASE_URL: db.url,
      LOGIN_MAX_ATTEMPTS: '1000000',
      LOGIN_IP_MAX_ATTEMPTS: '1000000',
    });
    api = new Api(server.url);
    genuine = (await api.login('guang', '123456')).body;
    victim = await api.signedIn('victim');
    kid = String(decodeJwtPart(genuine.access_token, 0).kid);
    claims = decodeJwtPart(genuine.access_token, 1);
    publicJwk = (await api.get<{ keys: JsonWebKey[] }>('/.well-known/jwks.json')).body.keys[0];
    publicPem = createPublicKey({ key: publicJwk, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  /** Sends anything; answers the status, or 0 when the request never reached the server. */
  async function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<number> {
    sent++;
    const response = await fetch(server.url + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  function assertRefused(route: Route, status: number, what: string): void {
    assert.ok(status < 500, `${route.method} ${route.path} ${what}: ${status}`);
    if (route.protected) {
      // 401 from the guard, or a 4xx from body parsing or routing, which come first; never an answer.
      assert.ok(status >= 400, `${route.method} ${route.path} ${what}: ${status}`);
    }
  }

  it(`bodies: never a 5xx, never a session or a protected answer without credentials (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WITH_BODY),
        rawBody,
        contentType,
        fc.option(fc.string({ maxLength: 80 }).map(headerSafe), { nil: undefined }),
        async (route, body, type, authorization) => {
          const headers: Record<string, string> = {};
          if (type) {
            headers['content-type'] = type;
          }
          if (authorization !== undefined) {
            headers.authorization = authorization;
          }
          const status = await send(route.method, route.path, headers, body);
          assertRefused(route, status, `body ${body.slice(0, 60)}`);
          if (route.path === '/user/login' || route.path === '/user/refresh') {
            assert.notEqual(status, 200, `a token pair for ${body.slice(0, 60)}`);
          }
        },
      ),
      PARAMETERS,
    );
  });

  // Guards run before validation: only a valid token lets a hostile body reach the DTOs.
  it(`bodies with a valid access token: never a 5xx, and the password stays (${NUM_RUNS} runs)`, async () => {
    const owner = await api.signedIn('fuzz-owner', OWNER_PASSWORD);
    // Its fields, with now and then a new password the policy accepts, so that the
    // current one gets checked too.
    const passwordChange = fc
      .record(
        {
          current_password: anyValue,
          new_password: fc.oneof(anyValue, fc.constant('a brand new passphrase 9')),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value));
    await fc.assert(
      fc.asyncProperty(fc.oneof(rawBody, passwordChange), async (body) => {
        const status = await send(
          'POST',
          '/user/password',
          { 'content-type': 'application/json', authorization: `Bearer ${owner.access_token}` },
          body,
        );
        assert.ok(status < 500, `body ${body.slice(0, 60)}: ${status}`);
        assert.notEqual(status, 204, `body ${body.slice(0, 60)} changed the password`);
      }),
      PARAMETERS,
    );
    assert.equal((await api.login('fuzz-owner', OWNER_PASSWORD)).status, 200);
    assert.equal((await api.get('/user/me', owner.access_token)).status, 200, 'the session lives');
  });

  it(`query strings and path parameters: never a 5xx, never another user's session (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.filter((route) => route.method === 'GET')),
        queryString,
        fc.oneof(anyValue.map(asText), fc.constantFrom('%2e%2e%2f', '..', '%00', '*')),
        async (route, query, id) => {
          const status = await send(route.method, `${route.path}?${query}`, {});
          assertRefused(route, status, `?${query.slice(0, 60)}`);
          if (route.path === '/user/refresh') {
            assert.notEqual(status, 200);
          }
          const path = `/user/sessions/${encodeURIComponent(id).slice(0, 4000)}`;
          assertRefused(PROTECTED[PROTECTED.length - 1], await send('DELETE', path, {}), path);
          // With credentials, an id that is not one of the user's sessions is a 404, never a revocation.
          const owned = await send('DELETE', path, {
            authorization: `Bearer ${genuine.access_token}`,
          });
          assert.ok(
            owned === 404 || owned === 204 || owned === 400 || owned === 414,
            `${path}: ${owned}`,
          );
        },
      ),
      PARAMETERS,
    );
    assert.equal(
      (await api.refresh(victim.refresh_token)).status,
      200,
      "the victim's session lives",
    );
    victim = (await api.refresh(victim.refresh_token)).body;
  });

  it(`Authorization headers and forged JWTs: 401 on every protected route (${NUM_RUNS} runs)`, async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
    const { createSign } = await import('node:crypto');

    const forgedHeader = fc.record(
      {
        alg: fc.oneof(
          fc.constantFrom(
            'none',
            'None',
            'NONE',
            'HS256',
            'HS512',
            'ES256',
            'ES384',
            'RS256',
            'EdDSA',
            'PS256',
          ),
          fc.string({ maxLength: 10 }),
        ),
        kid: fc.oneof(
          fc.constant(kid),
          fc.constantFrom(
            '../../../../../../dev/null',
            '/etc/passwd',
            "' UNION SELECT 'secret' --",
            '"; DROP TABLE sessions; --',
            'http://127.0.0.1:1/jwks.json',
          ),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.integer(),
          fc.constant(null),
          fc.string({ minLength: 2000, maxLength: 3000 }),
        ),
        typ: fc.constantFrom('at+jwt', 'JWT', undefined, ''),
        jwk: fc.constant(attackerJwk),
        jku: fc.constant('http://127.0.0.1:1/jwks.json'),
        crit: fc.constant(['exp']),
      },
      { requiredKeys: ['alg'] },
    );
    const forgedClaims = fc
      .record(
        {
          userId: anyValue,
          username: anyValue,
          sid: anyValue,
          sub: anyValue,
          exp: fc.oneof(fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER), fc.string()),
          iss: anyValue,
          aud: fc.oneof(anyValue, fc.constant(['seamless', 'other'])),
        },
        { requiredKeys: [] },
      )
      .map((overrides) => ({ ...claims, ...overrides }));
    const signature = fc.constantFrom(
      'empty',
      'random',
      'hmac-jwk',
      'hmac-pem',
      'attacker',
      'genuine',
    );

    const forgedToken = fc
      .tuple(forgedHeader, forgedClaims, signature, fc.uint8Array({ minLength: 1, maxLength: 96 }))
      .map(([header, payload, how, random]) => {
        const input = `${b64(header)}.${b64(payload)}`;
        const sig = {
          empty: () => '',
          random: () => Buffer.from(random).toString('base64url'),
          'hmac-jwk': () =>
            createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url'),
          'hmac-pem': () => createHmac('sha256', publicPem).update(input).digest('base64url'),
          attacker: () =>
            createSign('sha256')
              .update(input)
              .sign({ key: attacker.privateKey, dsaEncoding: 'ieee-p1363' })
              .toString('base64url'),
          genuine: () => genuine.access_token.split('.')[2],
        }[how]();
        return `${input}.${sig}`;
      });

    const authorization = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer\t', 'Bearer', 'Basic ', ''),
          forgedToken,
        )
        .map(([scheme, token]) => scheme + token),
      fc.string({ maxLength: 300 }).map(headerSafe),
      fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => `Bearer ${headerSafe(s)}`),
      fc.constantFrom(
        `Bearer ${genuine.refresh_token}`,
        `Bearer ${genuine.access_token}x`,
        `Bearer ${genuine.access_token.slice(0, -2)}`,
        `Bearer ${genuine.access_token.split('.').slice(0, 2).join('.')}.`,
      ),
      fc.integer({ min: 4000, max: 40_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
    );

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROTECTED), authorization, async (route, header) => {
        const status = await send(route.method, route.path, { authorization: header });
        assert.ok(
          status === 401 || status === 431,
          `${route.method} ${route.path}: ${status} for ${header.slice(0, 120)}`,
        );
      }),
      PARAMETERS,
    );
  });

  it('answers 400, not 500, to JSON nested thousands of levels deep', async () => {
    const nested = `{"username":${'['.repeat(7000)}${']'.repeat(7000)},"password":"x"}`;
    for (const path of ['/user/login', '/user/register', '/user/refresh']) {
      const reply = await api.request<{ message: string }>('POST', path, {
        rawBody: nested,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(reply.status, 400, path);
      assert.equal(reply.body.message, 'Request body is nested too deeply');
    }
  });

  it('is still healthy afterwards: genuine credentials work, nobody was signed out', async (t) => {
    assert.equal((await api.get('/health')).status, 200);
    assert.equal((await api.get('/bbb', genuine.access_token)).status, 200);
    const me = await api.get<{ username: string }>('/user/me', genuine.access_token);
    assert.equal(me.body.username, 'guang');
    assert.equal((await api.refresh(genuine.refresh_token)).status, 200);
    assert.equal((await api.refresh(victim.refresh_token)).status, 200);
    assert.equal((await api.login('guang', '123456')).status, 200);
    t.diagnostic(JSON.stringify({ requestsSent: sent, numRunsPerProperty: NUM_RUNS }));
  });
});
