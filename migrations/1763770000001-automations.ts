/**
 * Automations (issue 4): an automation is a flow of `kind = 'automation'` (compiled from its
 * rule and run by the same engine); `automations` keeps the rule as written, keyed by the flow.
 */
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class Automations1763770000001 implements MigrationInterface {
  name = 'Automations1763770000001';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    await q.addColumn('flows', new TableColumn({ name: 'kind', type: 'varchar', length: '20', default: "'flow'" }));
    await q.createIndex('flows', new TableIndex({ name: 'ix_flows_tenant_kind', columnNames: ['tenant_id', 'kind'] }));
    await q.createTable(
      new Table({
        name: 'automations',
        columns: [
          { name: 'flow_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'rule_json', type: mysql ? 'longtext' : 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'ix_automations_tenant', columnNames: ['tenant_id', 'flow_id'] })],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('automations', true);
    await q.dropIndex('flows', 'ix_flows_tenant_kind');
    await q.dropColumn('flows', 'kind');
  }
}
