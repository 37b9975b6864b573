/**
 * Round-robin assignment by flows (`chat.assign`): the last user picked per tenant and
 * candidate set, so the next pick is the one after it.
 */
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

export class FlowAssign1763730000002 implements MigrationInterface {
  name = 'FlowAssign1763730000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'flow_assign_cursors',
        columns: [
          { name: 'tenant_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'scope_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'last_user_id', type: 'varchar', length: '36' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('flow_assign_cursors', true);
  }
}
