import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type Repository } from 'typeorm';
import { Session, type RevokeReason } from './session.entity';

export interface SessionWithUsername {
  session: Session;
  username: string;
}

/** Every query about sessions, named for what it means. */
@Injectable()
export class SessionsRepository {
  private readonly sessions: Repository<Session>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.sessions = dataSource.getRepository(Session);
  }

  async insert(session: Session): Promise<void> {
    await this.sessions.insert(session);
  }

  /** The session with its owner's username (which access tokens carry), or null. */
  async findWithUsername(id: string): Promise<SessionWithUsername | null> {
    const session = await this.sessions
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.user', 'u')
      .where('s.id = :id', { id })
      .getOne();
    if (!session?.user) {
      return null;
    }
    const { username } = session.user;
    delete session.user;
    return { session, username };
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
    const result = await this.sessions
      .createQueryBuilder()
      .update(Session)
      .set({ counter: expectedCounter + 1, ...next })
      .where('id = :id AND counter = :expectedCounter AND revoked_at IS NULL', {
        id,
        expectedCounter,
      })
      .execute();
    return result.affected === 1;
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
