/** The claims this library reads from an access token; nothing is verified here. */
export interface AccessClaims {
  exp?: number | undefined;
  iat?: number | undefined;
}

/**
 * Reads a JWT's payload without verifying it (the server verifies; the client only
 * wants to know when to refresh). Returns null for anything that is not a JWT, such as
 * a token spoiled on purpose.
 *
 * @example
 * ```ts
 * const exp = decodeJwtPayload(token)?.exp;
 * ```
 */
export function decodeJwtPayload(token: string): AccessClaims | null {
  const part = token.split('.')[1];
  if (part === undefined) {
    return null;
  }
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof payload !== 'object' || payload === null) {
      return null;
    }
    const { exp, iat } = payload as Record<string, unknown>;
    return {
      exp: typeof exp === 'number' ? exp : undefined,
      iat: typeof iat === 'number' ? iat : undefined,
    };
  } catch {
    return null;
  }
}
