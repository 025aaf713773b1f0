import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import type { JWK } from 'jose';
import { ConfigError, type AppConfig } from '../config/config';
import {
  generateRefreshTokenSecret,
  generateSigningJwk,
  importSigningKeys,
  type KeyMaterial,
  type SigningKey,
} from './signing-keys';

/**
 * Holds the keys: the signing keys of access tokens (one current, the others still
 * verifying, so a key can be rotated without signing anybody out) and the HMAC key
 * that refresh tokens are derived with.
 */
export class KeysService {
  private readonly keys: readonly SigningKey[];
  private readonly publicKeys: { keys: JWK[] };

  private constructor(
    readonly current: SigningKey,
    keys: SigningKey[],
    readonly refreshTokenSecret: Buffer,
  ) {
    this.keys = keys;
    const others = keys.filter((key) => key !== current);
    this.publicKeys = { keys: [current, ...others].map((key) => key.publicJwk) };
  }

  static async create(config: AppConfig): Promise<KeysService> {
    const material = config.signingKeys
      ? fromEnvironment(config)
      : await loadOrCreateDevelopmentKeys(config.keysFile);
    if (material.signingKeys.length === 0) {
      throw new ConfigError('Invalid configuration: JWT_SIGNING_KEYS: expected at least one key');
    }
    let keys: SigningKey[];
    try {
      keys = await importSigningKeys(material.signingKeys);
    } catch (error) {
      throw new ConfigError(`Invalid configuration: JWT_SIGNING_KEYS: ${(error as Error).message}`);
    }
    const currentKid = material.currentKid ?? keys[0].kid;
    const current = keys.find((key) => key.kid === currentKid);
    if (!current) {
      throw new ConfigError('Invalid configuration: JWT_CURRENT_KID: no signing key has this kid');
    }
    return new KeysService(current, keys, Buffer.from(material.refreshTokenSecret, 'base64url'));
  }

  /** Every key that verifies: the current one and those kept for rotation. */
  all(): readonly SigningKey[] {
    return this.keys;
  }

  /** The public keys, current first, for `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return this.publicKeys;
  }
}

function fromEnvironment(config: AppConfig): KeyMaterial {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.signingKeys ?? '');
  } catch {
    throw new ConfigError(
      'Invalid configuration: JWT_SIGNING_KEYS: expected a JSON array of private JWKs',
    );
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((item) => typeof item === 'object' && item !== null)) {
    throw new ConfigError(
      'Invalid configuration: JWT_SIGNING_KEYS: expected a JSON array of private JWKs',
    );
  }
  return {
    signingKeys: list as KeyMaterial['signingKeys'],
    currentKid: config.currentKid,
    refreshTokenSecret: config.refreshTokenSecret ?? '',
  };
}

/**
 * Development keys live in a file under data/ so that restarts keep everybody signed in.
 * The file appears complete or not at all (a hard link of a finished temporary file,
 * which fails if the name exists), so two processes starting at once agree on one set.
 */
async function loadOrCreateDevelopmentKeys(file: string): Promise<KeyMaterial> {
  const existing = readKeysFile(file);
  if (existing) {
    return existing;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const material: KeyMaterial = {
    signingKeys: [await generateSigningJwk()],
    refreshTokenSecret: generateRefreshTokenSecret(),
  };
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(material, null, 2), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    Logger.log(`generated development signing keys in ${file}`, 'KeysService');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  } finally {
    unlinkSync(temporary);
  }
  return readKeysFile(file) ?? material;
}

function readKeysFile(file: string): KeyMaterial | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as KeyMaterial;
  } catch {
    throw new ConfigError('Invalid configuration: KEYS_FILE: not a readable keys file');
  }
}
