/**
 * Canned responses (issue 3, inbox): tenant-shared reply snippets inserted with `/shortcut`.
 * `text` may hold `{{contact.name}}`-style placeholders; `usage_count` counts insertions.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class CannedResponses1763720000001 implements MigrationInterface {
  name = 'CannedResponses1763720000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'canned_responses',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'shortcut', type: 'varchar', length: '50' },
          { name: 'title', type: 'varchar', length: '200', isNullable: true },
          { name: 'text', type: 'text' },
          { name: 'usage_count', type: 'int', default: 0 },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'uq_canned_tenant_shortcut', columnNames: ['tenant_id', 'shortcut'], isUnique: true })],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('canned_responses', true);
  }
}
