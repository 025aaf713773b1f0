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
