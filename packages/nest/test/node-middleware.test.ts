import assert from 'node:assert/strict';
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  answerOf,
  decodeJwtPart,
  freePort,
  startSeamless,
  type TokenPair,
} from '@seamless/testing';
import { SignJWT } from 'jose';
import {
  createSeamlessAuth,
  requireAccessToken,
  type AuthenticatedRequest,
  type SeamlessAuth,
} from '../src/core';
import { recordingLogger } from './support/stub-issuer';

describe('the node:http middleware against a real Seamless server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-kit-'));
  const keysFile = join(dir, 'keys.json');
  let seamless: { url: string; stop(): Promise<void> };
  let auth: SeamlessAuth;
  let service: Server;
  let serviceUrl: string;
  let accessToken: string;
  let refreshToken: string;

  before(async () => {
    const port = await freePort();
    seamless = await startSeamless({
      PORT: String(port),
      JWT_ISSUER: `http://127.0.0.1:${port}`,
      KEYS_FILE: keysFile,
    });
    const login = await fetch(`${seamless.url}/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'guang', password: '123456' }),
    });
    const pair = (await login.json()) as TokenPair;
    accessToken = pair.access_token;
    refreshToken = pair.refresh_token;

    auth = createSeamlessAuth({
      issuer: seamless.url,
      audience: 'seamless',
      logger: recordingLogger(),
    });
    const guard = requireAccessToken(auth);
    service = createServer((request, response) =>
      guard(request, response, () => {
        const { principal } = request as AuthenticatedRequest;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(principal));
      }),
    );
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });

  after(async () => {
    service?.closeAllConnections();
    await new Promise((resolve) => service?.close(resolve));
    auth?.close();
    await seamless?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A token made with the server's own key: what only the server (or a thief of its key) could make. */
  function signedByServer(changes: Record<string, unknown>): Promise<string> {
    const { signingKeys } = JSON.parse(readFileSync(keysFile, 'utf8')) as {
      signingKeys: JsonWebKey[];
    };
    const header = decodeJwtPart(accessToken, 0) as { alg: string; kid: string };
    return new SignJWT({ ...decodeJwtPart(accessToken, 1), ...changes })
      .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: 'at+jwt' })
      .sign(createPrivateKey({ key: signingKeys[0], format: 'jwk' }));
  }

  it('lets a valid access token through with its principal', async () => {
    const answer = await answerOf(serviceUrl, { token: accessToken });
    assert.equal(answer.status, 200);
    const claims = decodeJwtPart(accessToken, 1);
    assert.deepEqual(answer.body, {
      userId: 1,
      username: 'guang',
      sessionId: claims.sid,
      exp: claims.exp,
    });
  });

  it('answers every refusal exactly as the Seamless server does', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | undefined][] = [
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['another scheme', 'Basic Z3Vhbmc6MTIzNDU2'],
      ['Bearer and nothing', 'Bearer '],
      ['garbage', 'Bearer garbage'],
      ['the refresh token', `Bearer ${refreshToken}`],
      ['a spoiled signature', `Bearer ${accessToken.slice(0, -3)}AAA`],
      ['expired', `Bearer ${await signedByServer({ exp: now - 1 })}`],
      ['another audience', `Bearer ${await signedByServer({ aud: 'billing' })}`],
      ['issued in the future', `Bearer ${await signedByServer({ iat: now + 300 })}`],
    ];
    for (const [why, authorization] of cases) {
      const [kit, server] = await Promise.all([
        answerOf(serviceUrl, { authorization }),
        answerOf(`${seamless.url}/bbb`, { authorization }),
      ]);
      assert.equal(server.status, 401, `${why}: the server refuses`);
      assert.deepEqual(kit, server, why);
    }
  });

  it("refuses two Authorization headers with the server's 400, even when the first is valid", async () => {
    const authorization = [`Bearer ${accessToken}`, 'Bearer garbage'];
    const [kit, server] = await Promise.all([
      answerOf(serviceUrl, { authorization }),
      answerOf(`${seamless.url}/bbb`, { authorization }),
    ]);
    assert.equal(server.status, 400);
    assert.equal(server.wwwAuthenticate, 'Bearer error="invalid_request"');
    assert.deepEqual(kit, server);
  });
});
