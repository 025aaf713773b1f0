import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import type { SqlStatement } from '../database/statement';
import { User } from './user.entity';
import { usernameKey } from './username';

@Injectable()
export class UsersRepository {
  private readonly users: Repository<User>;

  constructor(@InjectDataSource() dataSource: DataSource) {
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

  /** Deletes the user: run by SessionsRepository.end, in the transaction that ends their sessions. */
  deleteStatement(id: number): SqlStatement {
    return ['DELETE FROM users WHERE id = ?', [id]];
  }

  /** Sets the user's password hash: run in the transaction that ends their other sessions. */
  passwordStatement(id: number, passwordHash: string): SqlStatement {
    return ['UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]];
  }
}
