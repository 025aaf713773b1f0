/** The body of `POST /user/login` and `POST /user/refresh` in body mode. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  refresh_expires_in: number;
}

/** The JSON of a JWT's header (0) or payload (1); no signature is checked. */
export function decodeJwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  const segment = token.split('.')[part] ?? '';
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The session an access token belongs to (its `sid` claim). */
export function sessionIdOf(accessToken: string): string {
  const sid = decodeJwtPart(accessToken, 1).sid;
  if (typeof sid !== 'string') {
    throw new Error('the access token carries no sid');
  }
  return sid;
}

/**
 * A refresh token is `version(1) | session id(16) | counter(4) | mac`, base64url: reading
 * the session and the counter needs no key; forging one does.
 */
export function refreshSessionOf(refreshToken: string): string {
  return Buffer.from(refreshToken, 'base64url').subarray(1, 17).toString('base64url');
}

/** The rotation counter a refresh token carries. */
export function refreshCounterOf(refreshToken: string): number {
  return Buffer.from(refreshToken, 'base64url').readUInt32BE(17);
}
