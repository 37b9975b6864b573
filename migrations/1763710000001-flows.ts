/**
 * Flow engine (issue 4): flows with a draft graph, immutable published versions, durable runs,
 * a node execution log, and per-chat bot pauses (handoff). Portable Table API (SQLite and
 * MySQL/MariaDB); ids are UUIDv7 strings, times epoch milliseconds, JSON stored as text.
 */
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const ms = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, def = 0): TableColumnOptions => ({ name, type: 'int', default: def });

export class Flows1763710000001 implements MigrationInterface {
  name = 'Flows1763710000001';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';
    const json = (name: string, nullable = true): TableColumnOptions => ({ name, type: mysql ? 'longtext' : 'text', isNullable: nullable });
    const create = (t: { name: string; columns: TableColumnOptions[]; indices?: { columnNames: string[]; isUnique?: boolean; name: string }[] }) =>
      q.createTable(new Table({ name: t.name, columns: t.columns, indices: t.indices?.map((i) => new TableIndex(i)) }), true);

    await create({
      name: 'flows',
      columns: [
        id(), ref('tenant_id'), str('name', 200), int('enabled'), json('draft_json', false), int('published_version'),
        ref('published_version_id', true), int('priority'), ms('created_at'), ms('updated_at'),
      ],
      indices: [{ name: 'ix_flows_tenant', columnNames: ['tenant_id', 'enabled'] }],
    });
    await create({
      name: 'flow_versions',
      columns: [id(), ref('tenant_id'), ref('flow_id'), int('version'), json('graph_json', false), str('note', 500, true), ref('created_by', true), ms('created_at')],
      indices: [{ name: 'uq_flow_versions', columnNames: ['flow_id', 'version'], isUnique: true }],
    });
    await create({
      name: 'flow_runs',
      columns: [
        id(), ref('tenant_id'), ref('flow_id'), ref('version_id', true), str('mode', 10), ref('chat_id', true), ref('contact_id', true),
        ref('channel_id', true), str('status', 12), str('current_node_id', 100, true), json('vars_json'), json('state_json'),
        json('transcript_json'), json('graph_json'), json('contact_json'), ref('active_chat_key', true), ref('last_message_id', true), ref('trigger_message_id', true),
        int('steps'), json('error_json'), ms('created_at'), ms('updated_at'), ms('finished_at', true),
      ],
      indices: [
        // one active bot run per chat: set to the chat id while active, NULL afterwards
        { name: 'uq_flow_runs_active_chat', columnNames: ['active_chat_key'], isUnique: true },
        // a message starts at most one run (redelivered outbox rows)
        { name: 'uq_flow_runs_trigger_message', columnNames: ['trigger_message_id'], isUnique: true },
        { name: 'ix_flow_runs_flow', columnNames: ['tenant_id', 'flow_id', 'status'] },
        { name: 'ix_flow_runs_status', columnNames: ['status', 'updated_at'] },
        // "was this inbound message already consumed by a run of the chat?"
        { name: 'ix_flow_runs_chat', columnNames: ['chat_id', 'last_message_id'] },
      ],
    });
    await create({
      name: 'flow_steps',
      columns: [
        id(), ref('tenant_id'), ref('run_id'), ref('flow_id'), ref('version_id', true), str('node_id', 100), str('node_type', 100),
        ms('started_at'), ms('finished_at'), str('outcome', 12), str('branch', 100, true), json('error_json'),
      ],
      indices: [
        { name: 'ix_flow_steps_run', columnNames: ['run_id', 'id'] },
        { name: 'ix_flow_steps_flow', columnNames: ['tenant_id', 'flow_id', 'node_id'] },
      ],
    });
    await create({
      name: 'flow_chat_pauses',
      columns: [{ ...ref('chat_id'), isPrimary: true }, ref('tenant_id'), str('reason', 40), ms('created_at')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['flow_chat_pauses', 'flow_steps', 'flow_runs', 'flow_versions', 'flows']) await q.dropTable(t, true);
  }
}
