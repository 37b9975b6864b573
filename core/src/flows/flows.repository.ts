/**
 * Flows and their published versions. Every query carries the tenant id; rows come back as
 * plain objects. Graphs are stored as JSON text.
 */
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import type { FlowGraph } from './flow.types.js';

export interface FlowRow {
  id: string;
  tenantId: string;
  name: string;
  enabled: boolean;
  draft: FlowGraph;
  /** Counts the saves of the draft (edit-conflict detection). */
  draftRevision: number;
  latestVersion: number;
  publishedVersionId: string | null;
  priority: number;
  createdAt: number;
  updatedAt: number;
}

export interface VersionRow {
  id: string;
  tenantId: string;
  flowId: string;
  version: number;
  graph: FlowGraph;
  note: string | null;
  createdBy: string | null;
  createdAt: number;
}

const FLOW_COLS = 'id, tenant_id, name, enabled, draft_json, published_version, published_version_id, priority, created_at, updated_at';
const FLOW_SELECT = `${FLOW_COLS}, draft_revision`;

const toFlow = (r: any): FlowRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  enabled: Number(r.enabled) === 1,
  draft: JSON.parse(r.draft_json),
  draftRevision: Number(r.draft_revision ?? 0),
  latestVersion: Number(r.published_version),
  publishedVersionId: r.published_version_id ?? null,
  priority: Number(r.priority),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toVersion = (r: any): VersionRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  flowId: r.flow_id,
  version: Number(r.version),
  graph: r.graph_json ? JSON.parse(r.graph_json) : { nodes: [], edges: [] },
  note: r.note ?? null,
  createdBy: r.created_by ?? null,
  createdAt: Number(r.created_at),
});

@Injectable()
export class FlowsRepository {
  constructor(private readonly db: Database) {}

  async create(tenantId: string, name: string, draft: FlowGraph): Promise<FlowRow> {
    const now = Date.now();
    const row: FlowRow = { id: newId(), tenantId, name, enabled: false, draft, draftRevision: 0, latestVersion: 0, publishedVersionId: null, priority: 0, createdAt: now, updatedAt: now };
    await this.db.transaction((m) =>
      m.query(`INSERT INTO flows (${FLOW_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)`, [row.id, tenantId, name, 0, JSON.stringify(draft), 0, null, 0, now, now]),
    );
    return row;
  }

  async get(tenantId: string, id: string): Promise<FlowRow | null> {
    const rows = await this.db.manager.query(`SELECT ${FLOW_SELECT} FROM flows WHERE tenant_id = ? AND id = ?`, [tenantId, id]);
    return rows.length ? toFlow(rows[0]) : null;
  }

  /** A flow by id in any tenant (public flow webhooks carry only the flow id). */
  async byIdAnyTenant(id: string): Promise<FlowRow | null> {
    const rows = await this.db.manager.query(`SELECT ${FLOW_SELECT} FROM flows WHERE id = ?`, [id]);
    return rows.length ? toFlow(rows[0]) : null;
  }

  /** Flows newest first, `limit + 1` rows; `cursor` is the last id seen. Automations' flows (kind `automation`) are not listed. */
  async list(tenantId: string, limit: number, cursor: string | null): Promise<FlowRow[]> {
    const rows = await this.db.manager.query(
      `SELECT ${FLOW_SELECT} FROM flows WHERE tenant_id = ? AND kind = 'flow'${cursor ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ${Number(limit) + 1}`,
      cursor ? [tenantId, cursor] : [tenantId],
    );
    return rows.map(toFlow);
  }

  async update(tenantId: string, id: string, patch: { name?: string; enabled?: boolean; draft?: FlowGraph; publishedVersionId?: string }): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [Date.now()];
    if (patch.name !== undefined) sets.push('name = ?') && params.push(patch.name);
    if (patch.enabled !== undefined) sets.push('enabled = ?') && params.push(patch.enabled ? 1 : 0);
    if (patch.draft !== undefined) sets.push('draft_json = ?', 'draft_revision = draft_revision + 1') && params.push(JSON.stringify(patch.draft));
    if (patch.publishedVersionId !== undefined) sets.push('published_version_id = ?') && params.push(patch.publishedVersionId);
    await this.db.transaction((m) => m.query(`UPDATE flows SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`, [...params, tenantId, id]));
  }

  /**
   * Replaces the draft and counts the save, only while the stored revision is `base` (any
   * revision when `base` is null: last write wins). One conditional UPDATE, so two concurrent
   * saves from the same revision cannot both succeed. Returns the new revision, or null when the
   * stored revision differs (or the flow is gone).
   */
  async saveDraft(tenantId: string, id: string, draft: FlowGraph, base: number | null): Promise<number | null> {
    return this.db.transaction(async (m) => {
      const changed = await this.db.execute(
        m,
        `UPDATE flows SET draft_json = ?, draft_revision = draft_revision + 1, updated_at = ? WHERE tenant_id = ? AND id = ?${base === null ? '' : ' AND draft_revision = ?'}`,
        base === null ? [JSON.stringify(draft), Date.now(), tenantId, id] : [JSON.stringify(draft), Date.now(), tenantId, id, base],
      );
      if (!changed) return null;
      const rows = await m.query('SELECT draft_revision FROM flows WHERE tenant_id = ? AND id = ?', [tenantId, id]);
      return Number(rows[0].draft_revision);
    });
  }

  /** Publishes `graph` as the next version number and makes it the running one. */
  async publish(tenantId: string, flowId: string, graph: FlowGraph, note: string | null, userId: string | null): Promise<VersionRow> {
    return this.db.transaction(async (m) => {
      const now = Date.now();
      const cur = await m.query('SELECT published_version FROM flows WHERE tenant_id = ? AND id = ?', [tenantId, flowId]);
      const version = Number(cur[0].published_version) + 1;
      const row: VersionRow = { id: newId(), tenantId, flowId, version, graph, note, createdBy: userId, createdAt: now };
      await m.query('INSERT INTO flow_versions (id, tenant_id, flow_id, version, graph_json, note, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)', [
        row.id, tenantId, flowId, version, JSON.stringify(graph), note, userId, now,
      ]);
      await m.query('UPDATE flows SET published_version = ?, published_version_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?', [version, row.id, now, tenantId, flowId]);
      return row;
    });
  }

  async versions(tenantId: string, flowId: string): Promise<VersionRow[]> {
    const rows = await this.db.manager.query(
      'SELECT id, tenant_id, flow_id, version, NULL AS graph_json, note, created_by, created_at FROM flow_versions WHERE tenant_id = ? AND flow_id = ? ORDER BY version DESC',
      [tenantId, flowId],
    );
    return rows.map(toVersion);
  }

  async version(tenantId: string, flowId: string, version: number): Promise<VersionRow | null> {
    const rows = await this.db.manager.query('SELECT * FROM flow_versions WHERE tenant_id = ? AND flow_id = ? AND version = ?', [tenantId, flowId, version]);
    return rows.length ? toVersion(rows[0]) : null;
  }

  async versionById(id: string): Promise<VersionRow | null> {
    const rows = await this.db.manager.query('SELECT * FROM flow_versions WHERE id = ?', [id]);
    return rows.length ? toVersion(rows[0]) : null;
  }

  /** Enabled flows of a tenant with a published version, in priority then creation order. */
  async runnable(tenantId: string): Promise<FlowRow[]> {
    const rows = await this.db.manager.query(
      `SELECT ${FLOW_SELECT} FROM flows WHERE tenant_id = ? AND enabled = 1 AND published_version_id IS NOT NULL ORDER BY priority DESC, id ASC`,
      [tenantId],
    );
    return rows.map(toFlow);
  }

  /** Deletes a flow with its versions, runs and step log. */
  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query('DELETE FROM flow_steps WHERE tenant_id = ? AND flow_id = ?', [tenantId, id]);
      await m.query('DELETE FROM flow_runs WHERE tenant_id = ? AND flow_id = ?', [tenantId, id]);
      await m.query('DELETE FROM flow_versions WHERE tenant_id = ? AND flow_id = ?', [tenantId, id]);
      await m.query('DELETE FROM flows WHERE tenant_id = ? AND id = ?', [tenantId, id]);
    });
  }
}
