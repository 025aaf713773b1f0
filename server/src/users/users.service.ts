import { Injectable } from '@nestjs/common';
import { Errors } from '../common/errors/domain-error';
import { isUniqueViolation } from '../database/database-errors';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from './password-hasher';
import { toPublicUser, type PublicUser, type User } from './user.entity';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
  ) {}

  /** Creates an account; the password has passed the policy already. */
  async register(username: string, password: string): Promise<PublicUser> {
    const hash = await this.hasher.hash(password);
    try {
      return toPublicUser(await this.users.insert(username, hash, Date.now()));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw Errors.usernameTaken;
      }
      throw error;
    }
  }

  /**
   * The user the username names (null for none) and whether the password is theirs.
   * The hash runs whether or not the user exists, so the response time does not tell
   * which usernames are real.
   */
  async checkCredentials(
    username: string,
    password: string,
  ): Promise<{ user: User | null; matches: boolean }> {
    const user = await this.users.findByUsername(username);
    const matches = await this.hasher.verify(user?.passwordHash, password);
    return { user, matches: user !== null && matches };
  }

  /**
   * Deletes a user (the operator command `users.cli.js delete`). Their sessions end
   * first, recorded in the same transaction, so that every instance refuses their
   * access tokens; a bare `DELETE FROM users` would leave those working until `exp`.
   * False when there is no such user.
   */
  async delete(username: string): Promise<boolean> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      return false;
    }
    await this.sessions.revokeAll(user.id, { alongWith: this.users.deleteStatement(user.id) });
    return true;
  }

  /** Whether `password` is the current password of the user with this id. */
  async verifyPassword(userId: number, password: string): Promise<boolean> {
    const user = await this.users.findById(userId);
    return this.hasher.verify(user?.passwordHash, password);
  }

  /**
   * Sets a new password (it has passed the policy) and ends every session but
   * `keepSessionId`, in one transaction; the number of sessions ended.
   */
  async changePassword(userId: number, password: string, keepSessionId: string): Promise<number> {
    const hash = await this.hasher.hash(password);
    return this.sessions.revokeAll(userId, {
      except: keepSessionId,
      reason: 'password',
      alongWith: this.users.passwordStatement(userId, hash),
    });
  }
}
