import type { ResponseInfo } from './types.js';

// The client's own calls must never go through refresh-on-401: a 401 from login is a
// wrong password, and a 401 from refresh is the end of the session.
const AUTH_ENDPOINT = /\/user\/(login|refresh)\/?$/;

/** Whether a URL (absolute or relative, with or without a query) is the login or refresh endpoint. */
export function isAuthEndpoint(url: string | undefined): boolean {
  if (url === undefined) {
    return false;
  }
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return AUTH_ENDPOINT.test(path);
}

/** The token in an `Authorization: Bearer …` value, or null. */
export function bearerToken(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match?.[1] ?? null;
}

/** The Seamless server's way of saying that the token is the problem (RFC 6750). */
export function blamesToken(response: ResponseInfo): boolean {
  return (
    response.status === 401 &&
    /error="?invalid_token/i.test(response.headers.get('WWW-Authenticate') ?? '')
  );
}

/** The origin of `url` (relative to this page), or null where it cannot be resolved. */
export function originOf(url: string): string | null {
  try {
    return new URL(url, globalThis.location?.href).origin;
  } catch {
    return null;
  }
}
