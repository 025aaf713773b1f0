import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a session's refresh token travels: `body` (the token pair, as always) or
 * `cookie` (an httpOnly cookie, never a body). Existing sessions stay `body`. One
 * statement that SQLite, MySQL, MariaDB and PostgreSQL all read the same way.
 */
export class SessionRefreshVia1733300000000 implements MigrationInterface {
  name = 'SessionRefreshVia1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "ALTER TABLE sessions ADD COLUMN refresh_via VARCHAR(6) NOT NULL DEFAULT 'body'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sessions DROP COLUMN refresh_via');
  }
}
