import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, type Repository } from 'typeorm';
import { Session } from '../sessions/session.entity';
import { User } from './user.entity';
import { usernameKey } from './username';

@Injectable()
export class UsersRepository {
  private readonly users: Repository<User>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(User);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ usernameKey: usernameKey(username) });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async insert(username: string, passwordHash: string, now: number): Promise<User> {
    const user = Object.assign(new User(), {
      username,
      usernameKey: usernameKey(username),
      passwordHash,
      createdAt: now,
    });
    await this.users.insert(user);
    return user;
  }

  /**
   * Stores a new password hash and ends every session of the user but `keepSessionId`,
   * in one transaction: nobody holding an old session outlives the change.
   */
  async replacePasswordEndingOtherSessions(
    userId: number,
    passwordHash: string,
    keepSessionId: string,
    now: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: userId }, { passwordHash });
      await manager.update(
        Session,
        { userId, revokedAt: IsNull(), id: Not(keepSessionId) },
        { revokedAt: now, revokeReason: 'password' },
      );
    });
  }

  /** Deleting a user ends every session of theirs (ON DELETE CASCADE). */
  async deleteByUsername(username: string): Promise<void> {
    await this.users.delete({ usernameKey: usernameKey(username) });
  }
}
