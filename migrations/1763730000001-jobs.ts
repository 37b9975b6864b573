/**
 * Jobs (issue 4): agenda 6 keeps its jobs in Parley's database through the TypeORM backend in
 * core/src/jobs. One row per job; times are epoch milliseconds; `single_key` holds the name of
 * `type: single` jobs (agenda's `every`) so they are unique per name; `job_key` holds
 * `data.key` (Parley's lookup key, e.g. `run:<id>`) so cancelling by key uses an index.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const str = (name: string, length: number, nullable = true): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const ms = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });

export class Jobs1763730000001 implements MigrationInterface {
  name = 'Jobs1763730000001';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    await q.createTable(
      new Table({
        name: 'jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          str('name', 191, false),
          { name: 'priority', type: 'int', default: 0 },
          str('type', 10, false),
          ms('next_run_at'),
          ms('locked_at'),
          str('lock_token', 36),
          ms('last_run_at'),
          ms('last_finished_at'),
          ms('failed_at'),
          { name: 'fail_count', type: 'int', isNullable: true },
          { name: 'fail_reason', type: mysql ? 'longtext' : 'text', isNullable: true },
          str('repeat_interval', 200),
          str('repeat_timezone', 100),
          str('repeat_at', 100),
          { name: 'disabled', type: 'int', default: 0 },
          { name: 'progress', type: 'double', isNullable: true },
          { name: 'fork', type: 'int', default: 0 },
          str('last_modified_by', 191),
          str('single_key', 191),
          str('job_key', 191),
          { name: 'data_json', type: mysql ? 'longtext' : 'text', isNullable: true },
          ms('start_date'),
          ms('end_date'),
          str('skip_days', 40),
          ms('debounce_started_at'),
          ms('created_at', false),
          ms('updated_at', false),
        ],
        indices: [
          new TableIndex({ name: 'ix_jobs_next', columnNames: ['name', 'next_run_at'] }),
          new TableIndex({ name: 'ix_jobs_locked', columnNames: ['locked_at'] }),
          new TableIndex({ name: 'ix_jobs_key', columnNames: ['job_key'] }),
          new TableIndex({ name: 'uq_jobs_single', columnNames: ['single_key'], isUnique: true }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('jobs', true);
  }
}
