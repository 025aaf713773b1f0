import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { SessionRevocation } from './session-revocation.entity';

export interface EndedSession {
  sessionId: string;
  endedAt: number;
}

/**
 * Reads of the revocation records (they are written with the session update itself,
 * see SessionsRepository.end). Both queries use the `(ended_at, session_id)` index.
 */
@Injectable()
export class RevocationsRepository {
  private readonly records: Repository<SessionRevocation>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.records = dataSource.getRepository(SessionRevocation);
  }

  /** Every session recorded as ended at or after `since` (epoch ms). */
  async endedSince(since: number): Promise<EndedSession[]> {
    const rows = await this.records.find({
      select: { sessionId: true, endedAt: true },
      where: { endedAt: MoreThanOrEqual(since) },
    });
    return rows.map(({ sessionId, endedAt }) => ({ sessionId, endedAt }));
  }

  /** Housekeeping: records no access token can need any more. */
  async deleteEndedBefore(cutoff: number): Promise<number> {
    const result = await this.records.delete({ endedAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
