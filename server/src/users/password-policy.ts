import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { usernameKey } from './username';

/** The longest password accepted, in characters; argon2id takes any length, people do not need more. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * zxcvbn-ts's list of the ~49,000 passwords most common in breach corpora (all
 * lower case), read once into a set: a lookup costs one hash, whatever the list's size.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * What registration and password change accept, as ASVS 5.0 (V6.2) and NIST SP
 * 800-63B-4 ask: a minimum and maximum length counted in characters, no composition
 * rules, and no password an attacker would try first — a common or breached one, the
 * username, or one character repeated. The demo user is seeded, not registered, and
 * keeps its tutorial password.
 */
@Injectable()
export class PasswordPolicy {
  private readonly minLength: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.minLength = config.passwordMinLength;
  }

  /** Throws a 400 whose message names the rule the password breaks. */
  check(password: string, username: string): void {
    // Code points, as NIST counts: an emoji is one character, not two UTF-16 units.
    const characters = [...password];
    if (characters.length < this.minLength) {
      throw new BadRequestException(`password must be at least ${this.minLength} characters`);
    }
    if (characters.length > PASSWORD_MAX_LENGTH) {
      throw new BadRequestException(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
    }
    const lowered = password.toLowerCase();
    if (lowered === usernameKey(username)) {
      throw new BadRequestException('password must not be the username');
    }
    if (characters.every((character) => character === characters[0])) {
      throw new BadRequestException('password must not be one character repeated');
    }
    if (COMMON_PASSWORDS.has(lowered)) {
      throw new BadRequestException(
        'password is too common: it appears in lists of breached passwords',
      );
    }
  }
}
