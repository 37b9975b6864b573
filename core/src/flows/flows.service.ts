import { Inject, Injectable, Optional } from '@nestjs/common';
import type { NodeDescriptor } from '@parley/sdk';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { notFound } from '../http/app-error.js';
import { toPage, type Page } from '../http/pagination.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { FlowEngine } from './engine.js';
import { FlowErrors } from './flows.errors.js';
import { FlowsRepository, type FlowRow, type VersionRow } from './flows.repository.js';
import type { FlowExport, FlowGraph, FlowJson, FlowValidationError, FlowVersionJson, SimulationJson } from './flow.types.js';
import type { SimulateInput } from './dto.js';
import { NodeRegistry } from './node-registry.js';
import { RunsRepository, type RunRow } from './runs.repository.js';
import { validateGraph } from './validate.js';
import { computeStats, type FlowStats } from './stats.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Flow definitions: drafts, validation, versions, enable/disable, import/export, simulation. */
@Injectable()
export class FlowsService {
  /** Most nodes in a draft (`FLOW_MAX_NODES`); edges: 4 per node. */
  private readonly maxNodes: number;

  constructor(
    private readonly repo: FlowsRepository,
    private readonly runs: RunsRepository,
    private readonly registry: NodeRegistry,
    private readonly engine: FlowEngine,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.maxNodes = config?.flowMaxNodes ?? 1000;
  }

  /** @throws AppError FLOW_TOO_LARGE (422) past `FLOW_MAX_NODES` nodes or 4 edges per node. */
  private checkSize(draft: FlowGraph): void {
    if (draft.nodes.length > this.maxNodes || draft.edges.length > this.maxNodes * 4) throw FlowErrors.tooLarge(draft.nodes.length, draft.edges.length, this.maxNodes);
  }

  nodeTypes(auth: AuthUser): { data: NodeDescriptor[] } {
    assertCan(auth.role, 'read', 'Flow');
    return { data: this.registry.descriptors() };
  }

  validate(auth: AuthUser, draft: FlowGraph): { valid: boolean; errors: FlowValidationError[] } {
    assertCan(auth.role, 'read', 'Flow');
    const errors = validateGraph(draft, this.registry);
    return { valid: errors.length === 0, errors };
  }

  /** New flows are disabled; an invalid draft may be saved. */
  async create(auth: AuthUser, name: string, draft: FlowGraph): Promise<FlowJson> {
    assertCan(auth.role, 'create', 'Flow');
    this.checkSize(draft);
    return this.json(await this.repo.create(auth.tenantId, name, draft));
  }

  async list(auth: AuthUser, limit: number, cursor: string | null): Promise<Page<FlowJson>> {
    assertCan(auth.role, 'read', 'Flow');
    const rows = await this.repo.list(auth.tenantId, limit, cursor);
    const page = toPage(rows, limit, (r) => r, (r) => r.id);
    return { data: await Promise.all(page.data.map((r) => this.json(r))), nextCursor: page.nextCursor };
  }

  /** @throws AppError NOT_FOUND (also for another tenant's flow). */
  async get(auth: AuthUser, id: string): Promise<FlowJson> {
    assertCan(auth.role, 'read', 'Flow');
    return this.json(await this.load(auth, id));
  }

  /**
   * Replaces the draft. With `revision` (the `draftRevision` the edit started from) the save
   * happens only if nobody saved the draft since; without it the last save wins (older clients).
   * @throws AppError DRAFT_CONFLICT (409, `details.revision` = the stored one), FLOW_TOO_LARGE (422), NOT_FOUND.
   */
  async saveDraft(auth: AuthUser, id: string, draft: FlowGraph, revision?: number): Promise<FlowJson> {
    assertCan(auth.role, 'update', 'Flow');
    this.checkSize(draft);
    const flow = await this.load(auth, id);
    if (revision !== undefined && revision !== flow.draftRevision) throw FlowErrors.draftConflict(id, flow.draftRevision, revision);
    const saved = await this.repo.saveDraft(auth.tenantId, id, draft, revision ?? null);
    if (saved === null) {
      const now = await this.load(auth, id); // saved by someone else between the read and the write
      throw FlowErrors.draftConflict(id, now.draftRevision, revision ?? -1);
    }
    return this.get(auth, id);
  }

  /** @throws AppError FLOW_NOT_PUBLISHED (422) when enabling a never-published flow. */
  async patch(auth: AuthUser, id: string, patch: { name?: string; enabled?: boolean }): Promise<FlowJson> {
    assertCan(auth.role, 'update', 'Flow');
    const flow = await this.load(auth, id);
    if (patch.enabled && !flow.publishedVersionId) throw FlowErrors.notPublished(id);
    await this.repo.update(auth.tenantId, id, patch);
    if (patch.enabled !== undefined) await this.engine.syncSchedules(auth.tenantId, id);
    return this.get(auth, id);
  }

  /** Publishes the draft as the next immutable version. @throws AppError FLOW_INVALID (422). */
  async publish(auth: AuthUser, id: string, note: string | null): Promise<FlowVersionJson> {
    assertCan(auth.role, 'update', 'Flow');
    const flow = await this.load(auth, id);
    const errors = validateGraph(flow.draft, this.registry);
    if (errors.length) throw FlowErrors.invalid(errors);
    const v = await this.repo.publish(auth.tenantId, id, flow.draft, note, auth.userId);
    await this.engine.syncSchedules(auth.tenantId, id);
    return this.versionJson(v, v.id, true);
  }

  async versions(auth: AuthUser, id: string): Promise<Page<FlowVersionJson>> {
    assertCan(auth.role, 'read', 'Flow');
    const flow = await this.load(auth, id);
    return { data: (await this.repo.versions(auth.tenantId, id)).map((v) => this.versionJson(v, flow.publishedVersionId, false)), nextCursor: null };
  }

  async version(auth: AuthUser, id: string, version: number): Promise<FlowVersionJson> {
    assertCan(auth.role, 'read', 'Flow');
    const flow = await this.load(auth, id);
    const v = await this.repo.version(auth.tenantId, id, version);
    if (!v) throw notFound('FlowVersion', String(version));
    return this.versionJson(v, flow.publishedVersionId, true);
  }

  /** Makes an earlier version the running one (the draft is left as is). */
  async rollback(auth: AuthUser, id: string, version: number): Promise<FlowJson> {
    assertCan(auth.role, 'update', 'Flow');
    await this.load(auth, id);
    const v = await this.repo.version(auth.tenantId, id, version);
    if (!v) throw notFound('FlowVersion', String(version));
    await this.repo.update(auth.tenantId, id, { publishedVersionId: v.id });
    await this.engine.syncSchedules(auth.tenantId, id);
    return this.get(auth, id);
  }

  async delete(auth: AuthUser, id: string): Promise<void> {
    assertCan(auth.role, 'delete', 'Flow');
    await this.load(auth, id);
    await this.repo.delete(auth.tenantId, id);
    await this.engine.syncSchedules(auth.tenantId, id);
  }

  /**
   * Drop-off analytics of the flow's live runs (all versions). With `range`, only runs whose
   * first step started in `[from, to)` (epoch ms) count (the builder's date range).
   */
  async stats(auth: AuthUser, id: string, range: { from?: number; to?: number } = {}): Promise<FlowStats> {
    assertCan(auth.role, 'read', 'Flow');
    await this.load(auth, id);
    let { runs, steps } = await this.runs.facts(auth.tenantId, id);
    if (range.from !== undefined || range.to !== undefined) {
      const from = range.from ?? -Infinity;
      const to = range.to ?? Infinity;
      const started = new Map<string, number>();
      for (const s of steps) if (!started.has(s.runId)) started.set(s.runId, s.startedAt);
      const inRange = (runId: string) => {
        const at = started.get(runId);
        return at !== undefined && at >= from && at < to;
      };
      runs = runs.filter((r) => inRange(r.id));
      steps = steps.filter((s) => inRange(s.runId));
    }
    return computeStats(runs, steps);
  }

  async export(auth: AuthUser, id: string): Promise<FlowExport> {
    assertCan(auth.role, 'read', 'Flow');
    const flow = await this.load(auth, id);
    return { format: 'parley.flow', formatVersion: 1, name: flow.name, draft: flow.draft };
  }

  /**
   * Runs the draft against a virtual contact (nothing reaches a channel), or continues such a
   * run with `{runId, text}`. Honours the triggers: no match → `status: "not_triggered"`.
   * @throws AppError FLOW_INVALID (422), NOT_FOUND, FLOW_RUN_NOT_WAITING (409).
   */
  async simulate(auth: AuthUser, id: string, input: SimulateInput): Promise<SimulationJson> {
    assertCan(auth.role, 'read', 'Flow');
    const flow = await this.load(auth, id);
    const message = { id: null, type: 'text', text: input.text };
    const line = { from: 'contact' as const, type: 'text' as const, text: input.text };
    if ('runId' in input) {
      const run = await this.runs.get(auth.tenantId, input.runId);
      if (!run || run.flowId !== id || run.mode !== 'simulation') throw notFound('FlowRun', input.runId);
      if (run.status !== 'waiting') throw FlowErrors.runNotWaiting(run.id, run.status);
      run.transcript.push(line);
      return this.simulationJson(await this.engine.advance(run, run.graph!, message, true));
    }
    const errors = validateGraph(flow.draft, this.registry);
    if (errors.length) throw FlowErrors.invalid(errors);
    const trigger = this.engine.matchTrigger(flow.draft, { kind: 'message', message, newChat: true, channelId: null });
    if (!trigger) return { runId: null, status: 'not_triggered', transcript: [line], vars: {} };
    const contact = { name: 'contact' in input ? (input.contact?.name ?? null) : null, phone: input.contact?.phone ?? null, email: input.contact?.email ?? null, attributes: {} };
    const run = this.engine.newRun({ tenantId: auth.tenantId, flowId: id, versionId: null, mode: 'simulation', chatId: null, contactId: null, channelId: null, node: trigger, messageId: null, graph: flow.draft, simContact: contact });
    run.transcript.push(line);
    await this.runs.insert(run);
    return this.simulationJson(await this.engine.advance(run, flow.draft, message, false));
  }

  /** `nodeId`: the node the run stopped at (the builder highlights it). */
  private simulationJson(run: RunRow): SimulationJson & { nodeId: string | null } {
    const status = run.status === 'running' || run.status === 'cancelled' ? 'failed' : run.status;
    return { runId: run.id, status, transcript: run.transcript, vars: run.vars, nodeId: run.currentNodeId ?? null, ...(run.error ? { error: run.error } : {}) };
  }

  private async load(auth: AuthUser, id: string): Promise<FlowRow> {
    const flow = await this.repo.get(auth.tenantId, id);
    if (!flow) throw notFound('Flow', id);
    return flow;
  }

  /** `publishedAt`: when the running version was published (null until published). */
  private async json(f: FlowRow): Promise<FlowJson & { publishedAt: string | null }> {
    const active = f.publishedVersionId ? await this.repo.versionById(f.publishedVersionId) : null;
    return {
      id: f.id, name: f.name, enabled: f.enabled, draft: f.draft, draftRevision: f.draftRevision, publishedVersion: active?.version ?? null, latestVersion: f.latestVersion,
      publishedAt: active ? iso(active.createdAt) : null, createdAt: iso(f.createdAt), updatedAt: iso(f.updatedAt),
    };
  }

  private versionJson(v: VersionRow, activeId: string | null, withGraph: boolean): FlowVersionJson {
    return { id: v.id, version: v.version, note: v.note, createdBy: v.createdBy, createdAt: iso(v.createdAt), active: v.id === activeId, ...(withGraph ? { graph: v.graph } : {}) };
  }
}
