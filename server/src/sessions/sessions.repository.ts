import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type QueryResult, type Repository } from 'typeorm';
import { isSerializationFailure } from '../common/database-errors';
import { positionalParameters } from '../database/placeholders';
import { Session, type RevokeReason } from './session.entity';

export interface SessionWithUsername {
  session: Session;
  username: string;
}

interface SessionRow {
  id: string;
  user_id: number | string;
  counter: number | string;
  rotations: string;
  created_at: number | string;
  last_used_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  revoke_reason: RevokeReason | null;
  user_agent: string | null;
  ip: string | null;
  username: string;
}

/** Every query about sessions, named for what it means. */
@Injectable()
export class SessionsRepository {
  private readonly sessions: Repository<Session>;
  private readonly findWithUsernameSql: string;
  private readonly compareAndRotateSql: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sessions = dataSource.getRepository(Session);
    const sql = (text: string) => positionalParameters(text, dataSource.options.type);
    this.findWithUsernameSql = sql(
      `SELECT s.id, s.user_id, s.counter, s.rotations, s.created_at, s.last_used_at, s.expires_at,
              s.revoked_at, s.revoke_reason, s.user_agent, s.ip, u.username
         FROM sessions s INNER JOIN users u ON u.id = s.user_id
        WHERE s.id = ?`,
    );
    this.compareAndRotateSql = sql(
      `UPDATE sessions SET counter = ?, rotations = ?, last_used_at = ?, expires_at = ?
        WHERE id = ? AND counter = ? AND revoked_at IS NULL`,
    );
  }

  async insert(session: Session): Promise<void> {
    await this.sessions.insert(session);
  }

  /**
   * The session with its owner's username (which access tokens carry), or null.
   * Plain SQL, as is the rotation below: these two run on every refresh, and TypeORM's
   * query builder cost more CPU than the queries themselves.
   */
  async findWithUsername(id: string): Promise<SessionWithUsername | null> {
    const rows: SessionRow[] = await this.dataSource.query(this.findWithUsernameSql, [id]);
    const row = rows[0];
    if (!row) {
      return null;
    }
    const session = Object.assign(new Session(), {
      id: row.id,
      userId: Number(row.user_id),
      counter: Number(row.counter),
      rotations: row.rotations,
      createdAt: Number(row.created_at),
      lastUsedAt: Number(row.last_used_at),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      revokeReason: row.revoke_reason,
      userAgent: row.user_agent,
      ip: row.ip,
    });
    return { session, username: row.username };
  }

  /**
   * Moves the session from `expectedCounter` to the next one in a single conditional
   * UPDATE: atomic on every supported database, so concurrent refreshes of one token
   * (in one process or many) can never fork a session; exactly one of them wins.
   */
  async compareAndRotate(
    id: string,
    expectedCounter: number,
    next: Pick<Session, 'rotations' | 'lastUsedAt' | 'expiresAt'>,
  ): Promise<boolean> {
    // A query runner of its own, for the structured result: only it reports affected
    // rows the same way on every driver (the plain results differ per driver).
    const runner = this.dataSource.createQueryRunner();
    try {
      const result: QueryResult = await runner.query(
        this.compareAndRotateSql,
        [expectedCounter + 1, next.rotations, next.lastUsedAt, next.expiresAt, id, expectedCounter],
        true,
      );
      return result.affected === 1;
    } catch (error) {
      // Above READ COMMITTED, PostgreSQL answers the loser of two concurrent UPDATEs
      // with a serialization failure instead of re-checking the WHERE: the same lost race.
      if (isSerializationFailure(error)) {
        return false;
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  async revoke(id: string, reason: RevokeReason, now: number): Promise<void> {
    await this.sessions.update(
      { id, revokedAt: IsNull() },
      { revokedAt: now, revokeReason: reason },
    );
  }

  /** Revokes one session of this user; false when the user has no session with that id. */
  async revokeOwned(id: string, userId: number, now: number): Promise<boolean> {
    const owned = await this.sessions.existsBy({ id, userId });
    if (owned) {
      await this.revoke(id, 'revoked', now);
    }
    return owned;
  }

  async revokeAllForUser(userId: number, now: number): Promise<void> {
    await this.sessions.update(
      { userId, revokedAt: IsNull() },
      { revokedAt: now, revokeReason: 'revoked' },
    );
  }

  /** Sessions not revoked and inside their inactivity window, newest first. */
  async findActiveForUser(userId: number, now: number): Promise<Session[]> {
    return this.sessions.find({
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      order: { lastUsedAt: 'DESC' },
    });
  }

  /** Housekeeping: sessions nobody can refresh any more. */
  async deleteEndedBefore(cutoff: number): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .from(Session)
      .where('expires_at < :cutoff OR (revoked_at IS NOT NULL AND revoked_at < :cutoff)', {
        cutoff,
      })
      .execute();
    return result.affected ?? 0;
  }
}
