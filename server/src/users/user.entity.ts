import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMillis } from '../database/columns';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 50 })
  username: string;

  /** Lower-cased username: unique, so `Guang` and `guang` are one account on every database. */
  @Column({ name: 'username_key', type: 'varchar', length: 50, unique: true })
  usernameKey: string;

  /** argon2id PHC string; never leaves the server (see toPublicUser). */
  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt: number;
}

export interface PublicUser {
  id: number;
  username: string;
}

/** The only shape in which a user reaches the wire. */
export function toPublicUser(user: Pick<User, 'id' | 'username'>): PublicUser {
  return { id: user.id, username: user.username };
}
