import type { Session } from './session.entity';

/** `[counter, rotatedAtMillis]` of each rotation still inside the reuse grace. */
export type RotationLog = [counter: number, rotatedAt: number][];

export interface RotationPolicy {
  refreshTokenTtlMs: number;
  sessionMaxAgeMs: number | undefined;
  reuseGraceMs: number;
}

export type RefreshDecision =
  /** The presented token is the current one: rotate it. */
  | 'rotate'
  /** A token rotated within the grace: hand back the session's current token (racing tabs, lost responses). */
  | 'reissue'
  /** A rotated token after its grace: theft, so the whole session ends. */
  | 'reuse'
  /** Revoked, expired, past its maximum age, or a counter this server never issued. */
  | 'reject';

/**
 * Reads the rotations column, once, where the row is read; an unreadable value counts
 * as an empty log.
 */
export function parseRotationLog(json: string): RotationLog {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value as RotationLog) : [];
  } catch {
    return [];
  }
}

/** The rotations column's text: at most 1024 characters for a log {@link recordRotation} made. */
export function serializeRotationLog(log: RotationLog): string {
  return JSON.stringify(log);
}

/** The log after `counter` rotates at `now`, keeping only rotations still inside the grace. */
export function recordRotation(
  log: RotationLog,
  counter: number,
  now: number,
  graceMs: number,
): RotationLog {
  if (graceMs <= 0) {
    return [];
  }
  // At most 40 entries fit the 1024-character column; older ones are the first to lose their grace.
  const kept = log.filter(([, at]) => at + graceMs > now).slice(-39);
  kept.push([counter, now]);
  return kept;
}

/**
 * Whether a session still stands: not revoked, inside its inactivity window, younger than
 * the maximum age. The one rule, applied by refresh ({@link decideRefresh}), the guard of
 * the routes that manage sessions and the account, and the list of a user's sessions.
 */
export function isSessionLive(
  session: Pick<Session, 'createdAt' | 'expiresAt' | 'revokedAt'>,
  now: number,
  sessionMaxAgeMs: number | undefined,
): boolean {
  return (
    session.revokedAt === null &&
    session.expiresAt > now &&
    (sessionMaxAgeMs === undefined || session.createdAt + sessionMaxAgeMs > now)
  );
}

/** Rotation rules 1–3 and 5 of the contract, as a pure function of the session row. */
export function decideRefresh(
  session: Pick<Session, 'counter' | 'rotations' | 'createdAt' | 'expiresAt' | 'revokedAt'>,
  presentedCounter: number,
  now: number,
  policy: RotationPolicy,
): RefreshDecision {
  if (!isSessionLive(session, now, policy.sessionMaxAgeMs)) {
    return 'reject';
  }
  if (presentedCounter === session.counter) {
    return 'rotate';
  }
  if (presentedCounter > session.counter) {
    return 'reject';
  }
  const rotation = session.rotations.find(([counter]) => counter === presentedCounter);
  return rotation !== undefined && rotation[1] + policy.reuseGraceMs > now ? 'reissue' : 'reuse';
}
