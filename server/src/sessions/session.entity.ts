import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { epochMillis } from '../database/columns';
import { User } from '../users/user.entity';
import { parseRotationLog, serializeRotationLog, type RotationLog } from './rotation-policy';

/**
 * One signed-in device. Its refresh token is never stored: it is derived from `id` and
 * `counter` with the server's HMAC key (see refresh-token.codec.ts), so this row is
 * useless to whoever reads the database.
 */
@Entity('sessions')
@Index('idx_sessions_user', ['userId'])
export class Session {
  /** 128 random bits, base64url. */
  @PrimaryColumn({ type: 'varchar', length: 22 })
  id: string;

  @Column({ name: 'user_id', type: 'int' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** Rotation counter: the current refresh token is the one derived with this value. */
  @Column({ type: 'int' })
  counter: number;

  /**
   * The rotations still inside the reuse grace, stored as JSON `[[counter,
   * rotatedAtMillis], ...]`: a token listed here may be presented again and receive the
   * current one.
   */
  @Column({
    type: 'varchar',
    length: 1024,
    transformer: { to: serializeRotationLog, from: parseRotationLog },
  })
  rotations: RotationLog;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt: number;

  @Column({ name: 'last_used_at', type: 'bigint', transformer: epochMillis })
  lastUsedAt: number;

  /** End of the inactivity window: every rotation moves it to now + REFRESH_TOKEN_TTL. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt: number | null;

  @Column({ name: 'revoke_reason', type: 'varchar', length: 16, nullable: true })
  revokeReason: RevokeReason | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 255, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  /**
   * How the session's refresh token travels, fixed at login: in the token pair, or only
   * in an httpOnly cookie (cookie mode). A token is refused on the other way.
   */
  @Column({ name: 'refresh_via', type: 'varchar', length: 6, default: 'body' })
  refreshVia: RefreshVia;
}

export type RefreshVia = 'body' | 'cookie';

export type RevokeReason = 'logout' | 'revoked' | 'reuse' | 'password';
