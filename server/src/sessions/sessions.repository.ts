import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type QueryResult, type Repository } from 'typeorm';
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

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sessions = dataSource.getRepository(Session);
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
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT s.id, s.user_id, s.counter, s.rotations, s.created_at, s.last_used_at, s.expires_at,
              s.revoked_at, s.revoke_reason, s.user_agent, s.ip, u.username
         FROM sessions s INNER JOIN users u ON u.id = s.user_id
        WHERE s.id = ?`,
      [id],
    );
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

  /** What decides whether a session still stands, and whose it is; null for an unknown id. */
  async findLifetime(
    id: string,
  ): Promise<Pick<Session, 'userId' | 'createdAt' | 'expiresAt' | 'revokedAt'> | null> {
    const rows: Pick<SessionRow, 'user_id' | 'created_at' | 'expires_at' | 'revoked_at'>[] =
      await this.dataSource.query(
        'SELECT user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = ?',
        [id],
      );
    const row = rows[0];
    if (!row) {
      return null;
    }
    return {
      userId: Number(row.user_id),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    };
  }

  /**
   * Moves the session from `expectedCounter` to the next one in a single conditional
   * UPDATE: atomic on both databases, so concurrent refreshes of one token (in one
   * process or many) can never fork a session; exactly one of them wins.
   */
  async compareAndRotate(
    id: string,
    expectedCounter: number,
    next: Pick<Session, 'rotations' | 'lastUsedAt' | 'expiresAt'>,
  ): Promise<boolean> {
    // A query runner of its own, for the structured result: only it reports affected rows on both drivers.
    const runner = this.dataSource.createQueryRunner();
    try {
      const result: QueryResult = await runner.query(
        `UPDATE sessions SET counter = ?, rotations = ?, last_used_at = ?, expires_at = ?
          WHERE id = ? AND counter = ? AND revoked_at IS NULL`,
        [expectedCounter + 1, next.rotations, next.lastUsedAt, next.expiresAt, id, expectedCounter],
        true,
      );
      return result.affected === 1;
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

  /**
   * Housekeeping: sessions nobody can refresh any more that ended before `cutoff`, and
   * those revoked as theft only once revoked before `evidenceCutoff`.
   */
  async deleteEndedBefore(cutoff: number, evidenceCutoff: number): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .from(Session)
      .where(
        `(revoke_reason = 'reuse' AND revoked_at < :evidenceCutoff)
         OR ((revoke_reason IS NULL OR revoke_reason <> 'reuse')
             AND (expires_at < :cutoff OR revoked_at < :cutoff))`,
        { cutoff, evidenceCutoff },
      )
      .execute();
    return result.affected ?? 0;
  }
}
