import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes `users.username_key` compare exactly on MySQL and MariaDB. Their default
 * utf8mb4 collations fold accents and case and ignore trailing spaces, so a lookup for
 * `güang` or `guang ` found `guang`. A binary NO PAD collation compares bytes:
 * MariaDB's `utf8mb4_nopad_bin` or MySQL 8's `utf8mb4_0900_bin`, else `utf8mb4_bin`
 * (binary, but PAD SPACE). SQLite's and PostgreSQL's default comparisons are already
 * exact: nothing to do there.
 */
export class ExactUsernameKeys1733000000000 implements MigrationInterface {
  name = 'ExactUsernameKeys1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) {
      return;
    }
    const collation = await exactCollation(queryRunner);
    await queryRunner.query(
      `ALTER TABLE users MODIFY username_key VARCHAR(50) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) {
      return;
    }
    // Back to the table's default collation.
    await queryRunner.query(
      'ALTER TABLE users MODIFY username_key VARCHAR(50) CHARACTER SET utf8mb4 NOT NULL',
    );
  }
}

function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const rows = (await queryRunner.query(
    "SHOW COLLATION WHERE Collation IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')",
  )) as { Collation: string }[];
  const available = new Set(rows.map((row) => row.Collation));
  for (const collation of ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin']) {
    if (available.has(collation)) {
      return collation;
    }
  }
  return 'utf8mb4_bin';
}
