const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  // PostgreSQL SQLSTATEs: connection exceptions, too many connections, lock trouble,
  // and the server shutting down, crashed or still starting.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '40P01',
  '55P03',
  '57P01',
  '57P02',
  '57P03',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) {
    return undefined;
  }
  const e = error as { code?: unknown; driverError?: unknown; errno?: unknown };
  if (typeof e.code === 'string') {
    return e.code;
  }
  return e.driverError === undefined ? undefined : codeOf(e.driverError);
}

/** True when the database could not be reached or did not answer in time: a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /connect|connection|pool is closed|Connection lost|closed state/i.test(message);
}

/** True for a unique-key violation (the username is taken). */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === 'ER_DUP_ENTRY' ||
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * True when PostgreSQL refused a statement because a concurrent transaction changed
 * what it read (serialization_failure). Under REPEATABLE READ or SERIALIZABLE this is
 * how a conditional UPDATE learns that it lost a race.
 */
export function isSerializationFailure(error: unknown): boolean {
  return codeOf(error) === '40001';
}
