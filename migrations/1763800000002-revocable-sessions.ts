/**
 * Revocable sessions (core/src/tenancy/tokens.service.ts):
 * - `users.token_version`: copied into each access token (`ver` claim); raising it ends every
 *   session of the user (sign out everywhere; later: password change, deactivation);
 * - `revoked_tokens`: the `jti` of each signed-out token until it would have expired anyway
 *   (`expires_at`, epoch ms; the retention job deletes expired rows by `ix_revoked_tokens_expires`).
 */
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class RevocableSessions1763800000002 implements MigrationInterface {
  name = 'RevocableSessions1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn({ name: 'token_version', type: 'int', default: 0, isNullable: false }));
    await q.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [
          { name: 'jti', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: false },
          { name: 'expires_at', type: 'bigint', isNullable: false },
          { name: 'created_at', type: 'bigint', isNullable: false },
        ],
        indices: [new TableIndex({ name: 'ix_revoked_tokens_expires', columnNames: ['expires_at'] })],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('revoked_tokens', true);
    await q.dropColumn('users', 'token_version');
  }
}
