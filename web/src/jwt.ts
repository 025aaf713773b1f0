/** Reading and spoiling access tokens, for display only: the server is what verifies them. */

export interface AccessClaims {
  readonly exp?: number;
  readonly iat?: number;
  readonly sid?: string;
  readonly username?: string;
  readonly sub?: string;
  readonly jti?: string;
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The payload of a JWT, or null when the string is not one. */
export function decodeClaims(token: string): AccessClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(parts[1]));
    return typeof claims === 'object' && claims !== null ? claims : null;
  } catch {
    return null;
  }
}

/**
 * The same token with its signature replaced by random bytes of the same length:
 * header and payload (hence `exp`) still read as valid, so the client keeps using it,
 * but the server's signature check fails — the tutorial's "edit the token by hand".
 */
export function spoilSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const random = crypto.getRandomValues(new Uint8Array(Math.max(signature.length, 16)));
  const spoiled = Array.from(random, (byte) => alphabet[byte % alphabet.length]).join('');
  return `${header}.${payload}.${spoiled}`;
}

/** A short, non-secret label for a token: its last characters. */
export function fingerprint(token: string): string {
  return token.slice(-10);
}
