import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeCanonical } from '@seamless/nest/core';

const VERSION = 1;
const SESSION_ID_BYTES = 16;
const MAC_BYTES = 32;
const TOKEN_BYTES = 1 + SESSION_ID_BYTES + 4 + MAC_BYTES;
const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const CONTEXT = Buffer.from('seamless refresh token v1');

export interface RefreshTokenParts {
  sessionId: string;
  counter: number;
}

/**
 * Refresh tokens are derived, not stored: `version | session id | counter | HMAC`, the
 * HMAC-SHA256 (256 bits of secret) keyed with a key only the server holds. The database
 * keeps the session id and counter, from which nobody without the key can make a
 * token, yet the server can hand a racing tab the session's current token at any time.
 */
export class RefreshTokenCodec {
  constructor(private readonly key: Buffer) {}

  /** A new random session id (128 bits, base64url). */
  static newSessionId(): string {
    return randomBytes(SESSION_ID_BYTES).toString('base64url');
  }

  encode({ sessionId, counter }: RefreshTokenParts): string {
    const token = Buffer.alloc(TOKEN_BYTES);
    token.writeUInt8(VERSION, 0);
    Buffer.from(sessionId, 'base64url').copy(token, 1);
    token.writeUInt32BE(counter, 1 + SESSION_ID_BYTES);
    this.mac(token.subarray(0, 1 + SESSION_ID_BYTES + 4)).copy(token, 1 + SESSION_ID_BYTES + 4);
    return token.toString('base64url');
  }

  /**
   * The parts of a genuine token, or undefined for anything this server did not make.
   * Only the canonical base64url text is genuine (as for access tokens): one token has
   * one spelling, so no client can present the same token under other names.
   */
  decode(token: string): RefreshTokenParts | undefined {
    if (token.length !== TOKEN_LENGTH) {
      return undefined;
    }
    const bytes = decodeCanonical(token);
    if (bytes === undefined || bytes.length !== TOKEN_BYTES || bytes.readUInt8(0) !== VERSION) {
      return undefined;
    }
    const body = bytes.subarray(0, 1 + SESSION_ID_BYTES + 4);
    // Constant-time comparison: the check must not reveal how much of a forged MAC was right.
    if (!timingSafeEqual(this.mac(body), bytes.subarray(1 + SESSION_ID_BYTES + 4))) {
      return undefined;
    }
    return {
      sessionId: bytes.subarray(1, 1 + SESSION_ID_BYTES).toString('base64url'),
      counter: bytes.readUInt32BE(1 + SESSION_ID_BYTES),
    };
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(CONTEXT).update(body).digest();
  }
}
