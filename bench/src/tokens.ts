import { createPrivateKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeJwtPart } from '@seamless/testing';
import { SignJWT } from 'jose';
import type { RunningTarget } from './targets';

/** The tutorial signs with HS256 and this one secret (`JwtModule.register({ secret: 'guang' })`). */
const TUTORIAL_SECRET = new TextEncoder().encode('guang');

/** The key that signed `kid`: from JWT_SIGNING_KEYS when the run sets it, else the target's keys file. */
function signingKey(target: RunningTarget, kid: unknown): KeyObject {
  const fromEnv = process.env.JWT_SIGNING_KEYS;
  const keys = fromEnv
    ? (JSON.parse(fromEnv) as JsonWebKey[])
    : (JSON.parse(readFileSync(target.keysFile ?? '', 'utf8')) as { signingKeys: JsonWebKey[] })
        .signingKeys;
  const jwk = keys.find((key) => key.kid === kid) ?? keys[0];
  if (!jwk) {
    throw new Error('no signing key to make tokens with');
  }
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/**
 * `count` distinct valid access tokens, as `count` sessions of the bench users would hold:
 * each a real token of a worker with a session id and token id of its own, signed with
 * the key that signed it (Seamless's key, or the tutorial's secret).
 */
export async function distinctTokens(
  target: RunningTarget,
  templates: string[],
  count: number,
): Promise<string[]> {
  if (templates.length === 0) {
    return [];
  }
  const header = decodeJwtPart(templates[0], 0);
  const key = target.name === 'tutorial' ? TUTORIAL_SECRET : signingKey(target, header.kid);
  const payloads = templates.map((token) => decodeJwtPart(token, 1));
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = { ...payloads[i % payloads.length] };
    payload.jti = randomBytes(12).toString('base64url');
    if (target.name !== 'tutorial') {
      payload.sid = randomBytes(16).toString('base64url');
    }
    tokens.push(await new SignJWT(payload).setProtectedHeader(header as never).sign(key));
  }
  return tokens;
}
