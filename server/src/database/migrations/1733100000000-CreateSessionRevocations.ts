import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The record of ended sessions that instances poll. TypeORM's schema builder writes it
 * for SQLite, MySQL and PostgreSQL alike; only the key's width depends on the database
 * (SQLite's AUTOINCREMENT needs INTEGER, which is 64-bit there anyway).
 */
export class CreateSessionRevocations1733100000000 implements MigrationInterface {
  name = 'CreateSessionRevocations1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = ['sqlite', 'better-sqlite3'].includes(queryRunner.connection.options.type);
    await queryRunner.createTable(
      new Table({
        name: 'session_revocations',
        columns: [
          {
            name: 'id',
            type: sqlite ? 'integer' : 'bigint',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'session_id', type: 'varchar', length: '22' },
          { name: 'ended_at', type: 'bigint' },
        ],
      }),
    );
    // Covers the poll (`WHERE ended_at >= ?`, reading session_id) without touching the table.
    await queryRunner.createIndex(
      'session_revocations',
      new TableIndex({
        name: 'idx_session_revocations_ended',
        columnNames: ['ended_at', 'session_id'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('session_revocations');
  }
}
