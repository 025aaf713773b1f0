import type { ValueTransformer } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in BIGINT columns: the same on SQLite, MySQL
 * and PostgreSQL, free of time zones, and precise enough for the reuse grace. MySQL and
 * PostgreSQL hand BIGINT back as a string, hence the transformer.
 */
export const epochMillis: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
