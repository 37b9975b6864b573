/**
 * Channel health (issue 6, connection flow): when the channel last received a webhook, last
 * sent a message, and its last send error. Written at most once per few seconds per channel
 * (see ChannelsRepository), never on every webhook.
 */
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class ChannelHealth1763750000001 implements MigrationInterface {
  name = 'ChannelHealth1763750000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('channels', [
      new TableColumn({ name: 'last_webhook_at', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'last_sent_at', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'last_send_error_json', type: 'text', isNullable: true }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['last_send_error_json', 'last_sent_at', 'last_webhook_at']) await q.dropColumn('channels', c);
  }
}
