/**
 * Retention of the flow execution log (core/src/ops/retention.service.ts, FLOW_LOG_RETENTION_DAYS):
 * - `ix_flow_steps_started (started_at)`: node executions older than the limit;
 * - `ix_flow_runs_finished (finished_at)`: finished runs (completed, failed, handed off,
 *   cancelled) older than the limit; running and waiting runs have no `finished_at`.
 */
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class FlowLogRetention1763810000001 implements MigrationInterface {
  name = 'FlowLogRetention1763810000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('flow_steps', new TableIndex({ name: 'ix_flow_steps_started', columnNames: ['started_at'] }));
    await q.createIndex('flow_runs', new TableIndex({ name: 'ix_flow_runs_finished', columnNames: ['finished_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('flow_runs', 'ix_flow_runs_finished');
    await q.dropIndex('flow_steps', 'ix_flow_steps_started');
  }
}
