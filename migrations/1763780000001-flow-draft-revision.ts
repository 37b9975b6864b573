/**
 * Edit-conflict protection of flow drafts (builder, issue 5): `flows.draft_revision` counts the
 * saves of the draft. `PUT /flows/:id/draft` with `revision` saves only when it still matches
 * (409 DRAFT_CONFLICT otherwise), so two tabs or people editing one draft do not silently
 * overwrite each other. Existing flows start at 0.
 */
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class FlowDraftRevision1763780000001 implements MigrationInterface {
  name = 'FlowDraftRevision1763780000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('flows', new TableColumn({ name: 'draft_revision', type: 'int', default: 0 }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('flows', 'draft_revision');
  }
}
