import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type QueryResult, type Repository } from 'typeorm';
import { isSerializationFailure } from '../database/database-errors';
import { positionalParameters } from '../database/placeholders';
import type { SqlStatement } from '../database/statement';
import { parseRotationLog, serializeRotationLog } from './rotation-policy';
import { Session, type RefreshVia, type RevokeReason } from './session.entity';

/** Which sessions a revocation ends: one (of one user, when given), or a user's, but one. */
export type SessionScope = { id: string; userId?: number } | { userId: number; except?: string };

/** The part of better-sqlite3's connection used for transactions of its own. */
interface SqliteConnection {
  prepare(sql: string): {
    run(...params: unknown[]): { changes: number };
    all(...params: unknown[]): unknown[];
  };
  transaction<T>(work: () => T): { immediate(): T };
}

function scopeSql(scope: SessionScope): { where: string; params: unknown[] } {
  if ('id' in scope) {
    return scope.userId === undefined
      ? { where: 'id = ?', params: [scope.id] }
      : { where: 'id = ? AND user_id = ?', params: [scope.id, scope.userId] };
  }
  return scope.except === undefined
    ? { where: 'user_id = ?', params: [scope.userId] }
    : { where: 'user_id = ? AND id <> ?', params: [scope.userId, scope.except] };
}

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
  refresh_via: RefreshVia;
  username: string;
}

/** Every query about sessions, named for what it means. */
@Injectable()
export class SessionsRepository {
  private readonly sessions: Repository<Session>;
  private readonly findWithUsernameSql: string;
  private readonly compareAndRotateSql: string;
  private readonly findLifetimeSql: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sessions = dataSource.getRepository(Session);
    const sql = (text: string) => positionalParameters(text, dataSource.options.type);
    this.findWithUsernameSql = sql(
      `SELECT s.id, s.user_id, s.counter, s.rotations, s.created_at, s.last_used_at, s.expires_at,
              s.revoked_at, s.revoke_reason, s.user_agent, s.ip, s.refresh_via, u.username
         FROM sessions s INNER JOIN users u ON u.id = s.user_id
        WHERE s.id = ?`,
    );
    this.findLifetimeSql = sql(
      'SELECT user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = ?',
    );
    this.compareAndRotateSql = sql(
      `UPDATE sessions SET counter = ?, rotations = ?, last_used_at = ?, expires_at = ?
        WHERE id = ? AND counter = ? AND revoked_at IS NULL`,
    );
  }

  /** better-sqlite3's own connection on SQLite, undefined on the server databases. */
  private get sqlite(): SqliteConnection | undefined {
    return this.dataSource.options.type === 'better-sqlite3'
      ? (this.dataSource.driver as unknown as { databaseConnection: SqliteConnection })
          .databaseConnection
      : undefined;
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
      rotations: parseRotationLog(row.rotations),
      createdAt: Number(row.created_at),
      lastUsedAt: Number(row.last_used_at),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      revokeReason: row.revoke_reason,
      userAgent: row.user_agent,
      ip: row.ip,
      refreshVia: row.refresh_via,
    });
    return { session, username: row.username };
  }

  /** What decides whether a session still stands, and whose it is; null for an unknown id. */
  async findLifetime(
    id: string,
  ): Promise<Pick<Session, 'userId' | 'createdAt' | 'expiresAt' | 'revokedAt'> | null> {
    const rows: Pick<SessionRow, 'user_id' | 'created_at' | 'expires_at' | 'revoked_at'>[] =
      await this.dataSource.query(this.findLifetimeSql, [id]);
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
        [
          expectedCounter + 1,
          serializeRotationLog(next.rotations),
          next.lastUsedAt,
          next.expiresAt,
          id,
          expectedCounter,
        ],
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

  /**
   * Ends the sessions of `scope` that are still open, and records each one for the
   * instances that must refuse its access tokens (see revocation/), in one transaction:
   * a session never ends without its record. Returns the ids of the sessions ended.
   * `alongWith` runs last in the same transaction: the change to the user that ends
   * these sessions (deleting them once the sessions that cascade away are recorded, or
   * setting the new password hash, so that no session of the old password outlives it).
   */
  async end(
    scope: SessionScope,
    reason: RevokeReason,
    now: number,
    alongWith?: SqlStatement,
  ): Promise<string[]> {
    const { where, params } = scopeSql(scope);
    // The same three statements on every database: the rows just ended are the ones
    // this transaction stamped with `now` (a twin ended in the same millisecond by a
    // concurrent request is recorded twice, which is harmless).
    const end: SqlStatement = [
      `UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE revoked_at IS NULL AND ${where}`,
      [now, reason, ...params],
    ];
    const record: SqlStatement = [
      `INSERT INTO session_revocations (session_id, ended_at)
       SELECT id, revoked_at FROM sessions WHERE revoked_at = ? AND ${where}`,
      [now, ...params],
    ];
    const ended: SqlStatement = [
      `SELECT id FROM sessions WHERE revoked_at = ? AND ${where}`,
      [now, ...params],
    ];

    const db = this.sqlite;
    if (db) {
      // TypeORM shares one SQLite connection between concurrent transactions, so the
      // transaction runs synchronously on the driver, where nothing can interleave.
      return db
        .transaction(() => {
          let ids: string[] = [];
          if (db.prepare(end[0]).run(...end[1]).changes > 0) {
            db.prepare(record[0]).run(...record[1]);
            ids = (db.prepare(ended[0]).all(...ended[1]) as { id: string }[]).map((r) => r.id);
          }
          if (alongWith) {
            db.prepare(alongWith[0]).run(...alongWith[1]);
          }
          return ids;
        })
        .immediate();
    }
    const sql = (statement: SqlStatement) =>
      positionalParameters(statement[0], this.dataSource.options.type);
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      let ids: string[] = [];
      const updated: QueryResult = await runner.query(sql(end), end[1], true);
      if ((updated.affected ?? 0) > 0) {
        await runner.query(sql(record), record[1]);
        const rows = (await runner.query(sql(ended), ended[1])) as { id: string }[];
        ids = rows.map((r) => r.id);
      }
      if (alongWith) {
        await runner.query(sql(alongWith), alongWith[1]);
      }
      await runner.commitTransaction();
      return ids;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  async isOwnedBy(id: string, userId: number): Promise<boolean> {
    return this.sessions.existsBy({ id, userId });
  }

  /**
   * The user's sessions that are neither revoked nor idle past their window, newest
   * first: what the index narrows down to. Whether each still stands is for
   * isSessionLive to say.
   */
  async findOpenForUser(userId: number, now: number): Promise<Session[]> {
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
