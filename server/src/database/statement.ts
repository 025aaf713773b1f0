/**
 * One SQL statement, written with `?` placeholders (see positionalParameters), and its
 * parameters: how one repository hands another a change to make in its transaction.
 */
export type SqlStatement = [sql: string, params: unknown[]];
