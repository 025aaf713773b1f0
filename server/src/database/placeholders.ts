import type { DataSourceOptions } from 'typeorm';

/** A quoted SQL string literal (kept as it is) or a `?` placeholder (renumbered). */
const LITERAL_OR_PLACEHOLDER = /'(?:[^']|'')*'|\?/g;

/**
 * Raw SQL is written once with `?` placeholders, which SQLite and MySQL take as they
 * are; PostgreSQL numbers its parameters (`$1`, `$2`, …), so for it they are rewritten.
 * Question marks inside string literals are left alone.
 */
export function positionalParameters(sql: string, type: DataSourceOptions['type']): string {
  if (type !== 'postgres') {
    return sql;
  }
  let index = 0;
  return sql.replace(LITERAL_OR_PLACEHOLDER, (match) => (match === '?' ? `$${++index}` : match));
}
