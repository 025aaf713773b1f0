import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMillis } from '../database/columns';

/**
 * That a session ended, and when: what every instance (and the revoked-sessions feed)
 * needs to refuse the session's access tokens until they expire. No foreign key, so
 * the record outlives the session row when a deleted user's sessions cascade away;
 * housekeeping drops it once `ACCESS_TOKEN_TTL` has passed.
 */
@Entity('session_revocations')
@Index('idx_session_revocations_ended', ['endedAt', 'sessionId'])
export class SessionRevocation {
  /** A surrogate key: a session may be recorded twice (harmless), so the id alone is not unique. */
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'session_id', type: 'varchar', length: 22 })
  sessionId: string;

  /** Epoch milliseconds, the ending instance's clock. */
  @Column({ name: 'ended_at', type: 'bigint', transformer: epochMillis })
  endedAt: number;
}
