/**
 * Automations: CRUD over rules, each backed by a flow of kind `automation` whose running
 * version is the compiled rule (so the flow engine runs it like any flow: triggers, schedules,
 * events, the step log), and the execution log read from that flow's runs and steps.
 */
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { AppError, notFound } from '../http/app-error.js';
import { encodeCursor } from '../http/pagination.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { FlowEngine } from '../flows/engine.js';
import { NodeRegistry } from '../flows/node-registry.js';
import { FlowsRepository, type FlowRow } from '../flows/flows.repository.js';
import { compileRule, pathOf, ruleErrors, type Rule, type RuleInput } from './automation.rules.js';

/** Public JSON of an automation. */
export interface AutomationJson extends Rule {
  id: string;
  name: string;
  enabled: boolean;
  /** Number of the running compiled version (bumped by every PUT). */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One execution in the log: a run of the automation and its steps. */
export interface AutomationExecutionJson {
  runId: string;
  status: string;
  chatId: string | null;
  contactId: string | null;
  /** The event or API variables the run started with (`vars.event`), when any. */
  event: unknown;
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string; path: string | null } | null;
  steps: { path: string | null; type: string; outcome: string; branch: string | null; startedAt: string; finishedAt: string; error: { code: string; message: string } | null }[];
}

const iso = (ms: number | string | null) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const parse = (s: string | null) => (s ? JSON.parse(s) : null);

@Injectable()
export class AutomationsService {
  constructor(
    private readonly db: Database,
    private readonly flows: FlowsRepository,
    private readonly registry: NodeRegistry,
    private readonly engine: FlowEngine,
  ) {}

  /**
   * Creates an automation (disabled unless `enabled: true`) and publishes its compiled flow.
   * @throws AppError FLOW_INVALID (422) with `details.errors: [{path, code, message}]`.
   */
  async create(auth: AuthUser, input: RuleInput): Promise<AutomationJson> {
    assertCan(auth.role, 'create', 'Flow');
    const rule = this.checked(input);
    const graph = compileRule(rule);
    const flow = await this.flows.create(auth.tenantId, input.name, graph);
    const now = Date.now();
    await this.db.transaction(async (m) => {
      await m.query("UPDATE flows SET kind = 'automation' WHERE tenant_id = ? AND id = ?", [auth.tenantId, flow.id]);
      await m.query('INSERT INTO automations (flow_id, tenant_id, rule_json, created_at, updated_at) VALUES (?,?,?,?,?)', [flow.id, auth.tenantId, JSON.stringify(rule), now, now]);
    });
    await this.flows.publish(auth.tenantId, flow.id, graph, 'automation', auth.userId);
    if (input.enabled) await this.flows.update(auth.tenantId, flow.id, { enabled: true });
    await this.engine.syncSchedules(auth.tenantId, flow.id);
    return this.get(auth, flow.id);
  }

  /** Automations of the tenant, newest first: `{data, nextCursor}` (cursor = last id). */
  async list(auth: AuthUser, limit: number, cursor: string | null): Promise<{ data: AutomationJson[]; nextCursor: string | null }> {
    assertCan(auth.role, 'read', 'Flow');
    const rows = await this.db.manager.query(
      `SELECT a.flow_id FROM automations a WHERE a.tenant_id = ?${cursor ? ' AND a.flow_id < ?' : ''} ORDER BY a.flow_id DESC LIMIT ${limit + 1}`,
      cursor ? [auth.tenantId, cursor] : [auth.tenantId],
    );
    const ids: string[] = rows.map((r: { flow_id: string }) => r.flow_id);
    const page = ids.slice(0, limit);
    return { data: await Promise.all(page.map((id) => this.get(auth, id))), nextCursor: ids.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /** @throws AppError NOT_FOUND (also another tenant's). */
  async get(auth: AuthUser, id: string): Promise<AutomationJson> {
    assertCan(auth.role, 'read', 'Flow');
    const { flow, rule, createdAt } = await this.load(auth.tenantId, id);
    const version = flow.publishedVersionId ? ((await this.flows.versionById(flow.publishedVersionId))?.version ?? 0) : 0;
    return { id: flow.id, name: flow.name, enabled: flow.enabled, ...rule, version, createdAt: iso(createdAt)!, updatedAt: iso(flow.updatedAt)! };
  }

  /** Replaces the rule (and name / enabled when given) and publishes the next compiled version. */
  async replace(auth: AuthUser, id: string, input: RuleInput): Promise<AutomationJson> {
    assertCan(auth.role, 'update', 'Flow');
    await this.load(auth.tenantId, id);
    const rule = this.checked(input);
    const graph = compileRule(rule);
    await this.db.transaction((m) => m.query('UPDATE automations SET rule_json = ?, updated_at = ? WHERE tenant_id = ? AND flow_id = ?', [JSON.stringify(rule), Date.now(), auth.tenantId, id]));
    await this.flows.update(auth.tenantId, id, { name: input.name, draft: graph, ...(input.enabled !== undefined ? { enabled: input.enabled } : {}) });
    await this.flows.publish(auth.tenantId, id, graph, 'automation', auth.userId);
    await this.engine.syncSchedules(auth.tenantId, id);
    return this.get(auth, id);
  }

  /** `{enabled?, name?}`. */
  async patch(auth: AuthUser, id: string, patch: { enabled?: boolean; name?: string }): Promise<AutomationJson> {
    assertCan(auth.role, 'update', 'Flow');
    await this.load(auth.tenantId, id);
    await this.flows.update(auth.tenantId, id, patch);
    if (patch.enabled !== undefined) await this.engine.syncSchedules(auth.tenantId, id);
    return this.get(auth, id);
  }

  /** Deletes the automation, its flow, runs and log. */
  async remove(auth: AuthUser, id: string): Promise<void> {
    assertCan(auth.role, 'delete', 'Flow');
    await this.load(auth.tenantId, id);
    await this.db.transaction((m) => m.query('DELETE FROM automations WHERE tenant_id = ? AND flow_id = ?', [auth.tenantId, id]));
    await this.flows.delete(auth.tenantId, id);
    await this.engine.syncSchedules(auth.tenantId, id);
  }

  /**
   * The execution log, newest run first: each run with its status, chat, starting event, error
   * and steps (`path` = `trigger`, `conditions`, `actions[i]`). Paged by run id (`cursor`).
   */
  async log(auth: AuthUser, id: string, limit: number, cursor: string | null): Promise<{ data: AutomationExecutionJson[]; nextCursor: string | null }> {
    assertCan(auth.role, 'read', 'Flow');
    await this.load(auth.tenantId, id);
    const runs: any[] = await this.db.manager.query(
      `SELECT id, status, chat_id, contact_id, vars_json, error_json, created_at, finished_at FROM flow_runs
        WHERE tenant_id = ? AND flow_id = ? AND mode = 'live'${cursor ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ${limit + 1}`,
      cursor ? [auth.tenantId, id, cursor] : [auth.tenantId, id],
    );
    const page = runs.slice(0, limit);
    const steps: any[] = page.length
      ? await this.db.manager.query(
          `SELECT run_id, node_id, node_type, outcome, branch, started_at, finished_at, error_json FROM flow_steps WHERE tenant_id = ? AND run_id IN (${page.map(() => '?').join(',')}) ORDER BY id`,
          [auth.tenantId, ...page.map((r) => r.id)],
        )
      : [];
    const data = page.map((r): AutomationExecutionJson => {
      const err = parse(r.error_json);
      return {
        runId: r.id, status: r.status, chatId: r.chat_id ?? null, contactId: r.contact_id ?? null, event: parse(r.vars_json)?.event ?? null,
        startedAt: iso(r.created_at)!, finishedAt: iso(r.finished_at),
        error: err ? { code: err.code, message: err.message, path: pathOf(err.nodeId ?? null) } : null,
        steps: steps
          .filter((s) => s.run_id === r.id)
          .map((s) => ({ path: pathOf(s.node_id), type: s.node_type, outcome: s.outcome, branch: s.branch ?? null, startedAt: iso(s.started_at)!, finishedAt: iso(s.finished_at)!, error: parse(s.error_json) })),
      };
    });
    return { data, nextCursor: runs.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  private checked(input: RuleInput): Rule {
    const rule: Rule = { trigger: input.trigger, conditions: input.conditions ?? null, actions: input.actions };
    const errors = ruleErrors(rule, this.registry);
    if (errors.length) throw new AppError('FLOW_INVALID', 'The automation is not valid', { errors });
    return rule;
  }

  private async load(tenantId: string, id: string): Promise<{ flow: FlowRow; rule: Rule; createdAt: number }> {
    const rows = await this.db.manager.query('SELECT rule_json, created_at FROM automations WHERE tenant_id = ? AND flow_id = ?', [tenantId, id]);
    const flow = rows.length ? await this.flows.get(tenantId, id) : null;
    if (!flow) throw notFound('Automation', id);
    return { flow, rule: JSON.parse(rows[0].rule_json), createdAt: Number(rows[0].created_at) };
  }
}
