/**
 * Retention (core/src/ops/retention.service.ts): the hourly prune deletes rows by age in bounded
 * batches, so it needs an index on the age column of each pruned table:
 * - `ix_webhook_events_received (received_at)`: raw webhook bodies older than
 *   WEBHOOK_EVENTS_RETENTION_DAYS (the existing index starts with `channel_id`);
 * - `ix_jobs_finished (last_finished_at)`: one-off agenda jobs that finished (failed ones are
 *   kept by agenda; successful ones are removed on completion) older than JOBS_RETENTION_DAYS.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class RetentionIndexes1763800000001 implements MigrationInterface {
  name = 'RetentionIndexes1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('webhook_events', new TableIndex({ name: 'ix_webhook_events_received', columnNames: ['received_at'] }));
    await q.createIndex('jobs', new TableIndex({ name: 'ix_jobs_finished', columnNames: ['last_finished_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('jobs', 'ix_jobs_finished');
    await q.dropIndex('webhook_events', 'ix_webhook_events_received');
  }
}
