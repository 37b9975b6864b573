/**
 * Durable flow runs: the run row (current node, variables, per-node state, status), the node
 * execution log, and the effects of a step (bot messages queued exactly like an agent's reply,
 * chat tags, handoff pauses, contact fields), all written in one transaction per step.
 */
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { NodeEffect, NodeOutMessage } from '@parley/sdk';
import type { EntityManager } from 'typeorm';
import { asRow } from '../database/columns.js';
import { Database } from '../database/database.service.js';
import { isUniqueViolation } from '../database/errors.js';
import { newId } from '../database/ids.js';
import { ChatEntity, MessageEntity } from '../conversations/conversations.entity.js';
import { previewOf } from '../conversations/preview.js';
import type { FlowGraph, TranscriptLine } from './flow.types.js';
import type { RunFact, StepFact } from './stats.js';

export type RunStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'handed_off' | 'cancelled';
export const FINISHED: RunStatus[] = ['completed', 'failed', 'handed_off', 'cancelled'];

export interface RunRow {
  id: string;
  tenantId: string;
  flowId: string;
  versionId: string | null;
  mode: 'live' | 'simulation';
  chatId: string | null;
  contactId: string | null;
  channelId: string | null;
  status: RunStatus;
  currentNodeId: string | null;
  vars: Record<string, unknown>;
  /** State of the current (waiting) node, e.g. `{tries}`. */
  state: Record<string, unknown>;
  transcript: TranscriptLine[];
  /** Simulations run the draft they started with; live runs load their version. */
  graph: FlowGraph | null;
  /** Simulations: the virtual contact. */
  simContact: Record<string, unknown> | null;
  lastMessageId: string | null;
  triggerMessageId: string | null;
  steps: number;
  error: { code: string; message: string; nodeId?: string } | null;
  createdAt: number;
  updatedAt: number;
}

/** One entry of the node execution log. */
export interface StepLog {
  nodeId: string;
  nodeType: string;
  startedAt: number;
  finishedAt: number;
  outcome: 'ok' | 'waiting' | 'error';
  branch: string | null;
  error?: { code: string; message: string } | null;
  /** The flow/version the node belongs to (differs from the run's after a `flow.goto`). */
  flowId?: string;
  versionId?: string | null;
}

/** An inbound message with what the engine needs of its chat. */
export interface InboundForFlows {
  id: string;
  tenantId: string;
  chatId: string;
  channelId: string;
  contactId: string;
  type: string;
  text: string | null;
  /** Stored media (`messages.media_json`) and type-specific content (`content_json`). */
  media: Record<string, unknown> | null;
  content: Record<string, unknown> | null;
  assigneeId: string | null;
  chatCreatedAt: number;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = <T>(v: string | null | undefined, dflt: T): T => (v ? (JSON.parse(v) as T) : dflt);

const toRun = (r: any): RunRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  flowId: r.flow_id,
  versionId: r.version_id ?? null,
  mode: r.mode,
  chatId: r.chat_id ?? null,
  contactId: r.contact_id ?? null,
  channelId: r.channel_id ?? null,
  status: r.status,
  currentNodeId: r.current_node_id ?? null,
  vars: parse(r.vars_json, {}),
  state: parse(r.state_json, {}),
  transcript: parse(r.transcript_json, []),
  graph: parse(r.graph_json, null),
  simContact: parse(r.contact_json, null),
  lastMessageId: r.last_message_id ?? null,
  triggerMessageId: r.trigger_message_id ?? null,
  steps: Number(r.steps),
  error: parse(r.error_json, null),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Thrown inside a step transaction when another worker advanced the run first. */
export class StaleRunError extends Error {}

/** Most steps committed in one transaction. */
const MAX_STEP_BATCH = 200;
/** MySQL: batch transactions in flight at once (each on its own pooled connection). */
const MYSQL_COMMITTERS = 4;
/**
 * MySQL: steps that must be waiting before a second (third, …) committer starts, and the
 * smallest batch handed to one. Below that, steps wait for the running committer's next batch:
 * a few big batches cost less CPU (statements, round trips, commits per step) than many small
 * overlapping ones, and CPU is what a small host runs out of first; a large backlog still
 * spreads over overlapping commits.
 */
const MIN_SHARE = 16;

interface PendingStep {
  run: RunRow;
  prevSteps: number;
  log: StepLog | null;
  effects: NodeEffect[];
  extra?: (m: EntityManager) => Promise<void>;
  resolve: (sent: MessageEntity[]) => void;
  reject: (err: unknown) => void;
  updatedAt?: number;
}

@Injectable()
export class RunsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts a new run; false when the chat already has an active run or the trigger message
   * already started one (unique keys), so concurrent or redelivered triggers start one run.
   */
  async insert(run: RunRow, o: { slot?: 'require' | 'prefer' } = {}): Promise<boolean> {
    const ok = await this.insertRow(run, FINISHED.includes(run.status) ? null : run.chatId);
    // 'prefer': a chat whose slot is taken still gets the run, without the slot (automations)
    if (!ok && o.slot === 'prefer' && run.chatId && !FINISHED.includes(run.status)) return this.insertRow(run, null);
    return ok;
  }

  private async insertRow(run: RunRow, active: string | null): Promise<boolean> {
    try {
      await this.db.transaction((m) =>
        m.query(
          `INSERT INTO flow_runs (id, tenant_id, flow_id, version_id, mode, chat_id, contact_id, channel_id, status, current_node_id, vars_json, state_json,
             transcript_json, graph_json, contact_json, active_chat_key, last_message_id, trigger_message_id, steps, error_json, created_at, updated_at, finished_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
          [
            run.id, run.tenantId, run.flowId, run.versionId, run.mode, run.chatId, run.contactId, run.channelId, run.status, run.currentNodeId, json(run.vars),
            json(run.state), json(run.transcript), json(run.graph), json(run.simContact), active, run.lastMessageId, run.triggerMessageId, run.steps, json(run.error),
            run.createdAt, run.updatedAt, null,
          ],
        ),
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<RunRow | null> {
    const rows = await this.db.manager.query('SELECT * FROM flow_runs WHERE tenant_id = ? AND id = ?', [tenantId, id]);
    return rows.length ? toRun(rows[0]) : null;
  }

  /** The chat's active live run (running or waiting), if any. */
  async activeForChat(chatId: string): Promise<RunRow | null> {
    const rows = await this.db.manager.query('SELECT * FROM flow_runs WHERE active_chat_key = ?', [chatId]);
    return rows.length ? toRun(rows[0]) : null;
  }

  /** Of `chatIds`, those with an active run (one query; the unique key on active_chat_key serves it). */
  async chatsWithActiveRun(chatIds: string[]): Promise<Set<string>> {
    if (!chatIds.length) return new Set();
    const rows: { active_chat_key: string }[] = await this.db.manager.query(
      `SELECT active_chat_key FROM flow_runs WHERE active_chat_key IN (${chatIds.map(() => '?').join(',')})`,
      chatIds,
    );
    return new Set(rows.map((r) => r.active_chat_key));
  }

  /** True when a run of the chat already consumed message `messageId` (or a later one). */
  async consumed(chatId: string, messageId: string): Promise<boolean> {
    return (await this.db.manager.query('SELECT id FROM flow_runs WHERE chat_id = ? AND last_message_id >= ? LIMIT 1', [chatId, messageId])).length > 0;
  }

  /** Live runs left `running` (a crash between steps) whose last step is older than `before`. */
  async stale(before: number, limit = 100): Promise<RunRow[]> {
    const rows = await this.db.manager.query(`SELECT * FROM flow_runs WHERE status = 'running' AND mode = 'live' AND updated_at < ? ORDER BY updated_at LIMIT ${limit}`, [before]);
    return rows.map(toRun);
  }

  /** Claims a stale run for this process (conditional on its step counter and time). */
  async claim(run: RunRow): Promise<boolean> {
    const n = await this.db.transaction((m) =>
      this.db.execute(m, 'UPDATE flow_runs SET updated_at = ? WHERE id = ? AND steps = ? AND updated_at = ?', [Date.now(), run.id, run.steps, run.updatedAt]),
    );
    return n === 1;
  }

  /**
   * Commits one step: the log row, the effects, and the run's new state, conditional on the
   * run's step counter (`prevSteps`). Resolves only after the transaction holding the step
   * committed. Steps of concurrent runs are **group-committed**: steps queued while a batch
   * commits go together into the next transaction (one run row update per step, one multi-row
   * log insert per batch), so a run's current node and variables are still committed at each
   * step, but many runs share a commit. When a batch fails (e.g. one step's effect hits an
   * error), its steps are retried one transaction each, so one bad step fails only itself.
   * @throws StaleRunError when another worker moved the run. Returns the bot messages queued.
   */
  commitStep(run: RunRow, prevSteps: number, log: StepLog | null, effects: NodeEffect[], extra?: (m: EntityManager) => Promise<void>): Promise<MessageEntity[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run, prevSteps, log, effects, extra, resolve, reject });
      this.schedule();
    });
  }

  private readonly queue: PendingStep[] = [];
  private committing = 0;
  private scheduled = false;

  /** Concurrent batch transactions: SQLite has one writer; MySQL overlaps commits on the pool. */
  private get maxCommitters(): number {
    return this.db.dialect === 'mysql' ? MYSQL_COMMITTERS : 1;
  }

  /** Starts a committer on the next turn (steps computed meanwhile join the batch). */
  private schedule(): void {
    if (this.scheduled || this.committing >= this.maxCommitters || !this.queue.length) return;
    // a committer is busy: it takes what queued meanwhile, unless enough for another one queued
    if (this.committing > 0 && this.queue.length < MIN_SHARE) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.committing < this.maxCommitters && this.queue.length && (this.committing === 0 || this.queue.length >= MIN_SHARE)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.committing++;
    try {
      while (this.queue.length) {
        // MySQL: leave a share of the queue to idle committers (their commits overlap)
        const idle = this.maxCommitters - this.committing;
        const share = idle > 0 && this.queue.length >= 2 * MIN_SHARE ? Math.max(MIN_SHARE, Math.ceil(this.queue.length / (idle + 1))) : MAX_STEP_BATCH;
        const batch = this.queue.splice(0, Math.min(share, MAX_STEP_BATCH));
        this.schedule();
        let results: (MessageEntity[] | StaleRunError)[] | null = null;
        try {
          if (this.isBare(batch)) results = await this.commitBare(batch);
          results ??= await this.transaction(batch, (m) => this.writeSteps(m, batch));
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          results = [];
          for (const p of batch) {
            try {
              results.push(await this.transaction([p], (m) => this.writeSteps(m, [p])).then((r) => r[0]));
            } catch (e) {
              results.push(e as StaleRunError);
            }
          }
        }
        batch.forEach((p, i) => {
          const r = results[i];
          if (Array.isArray(r)) {
            p.run.updatedAt = p.updatedAt!;
            p.resolve(r);
          } else p.reject(r);
        });
      }
    } finally {
      this.committing--;
    }
  }

  /**
   * The batch's transaction. On MySQL, a batch of bare steps (run rows and log rows only: no
   * effects, no timer jobs) skips the READ COMMITTED setup statement — those writes touch rows by
   * primary key and insert new ones, where the isolation level changes nothing — saving one of
   * the batch's round trips. Everything else goes through {@link Database.transaction}.
   */
  private async transaction<T>(batch: PendingStep[], fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (!this.isBare(batch)) return this.db.transaction(fn);
    const qr = this.db.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const out = await fn(qr.manager);
      await qr.commitTransaction();
      return out;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  /** MySQL, and only run rows and log rows to write (no effects on chats, no timer jobs). */
  private isBare(batch: PendingStep[]): boolean {
    return this.db.dialect === 'mysql' && !batch.some((p) => p.extra || (p.run.mode === 'live' && p.run.chatId && p.effects.length));
  }

  /**
   * MySQL, a batch of bare steps in two round trips instead of four: `START TRANSACTION`, the
   * conditional run update and the log insert go as one multi-statement query on
   * {@link Database.multiStatementPool}; then `COMMIT` when the update changed every run of the
   * batch. When some run moved on (fewer rows changed), it rolls back and returns null: the
   * caller then writes the batch the ordinary way, which finds the stale runs. Steps still
   * resolve only after their COMMIT returned.
   */
  private async commitBare(batch: PendingStep[]): Promise<MessageEntity[][] | null> {
    const now = Date.now();
    const upd = this.runUpdate(batch, now);
    const logs = this.logInsert(batch);
    const conn = await this.db.multiStatementPool().getConnection();
    let open = false;
    try {
      open = true;
      const [res] = (await conn.query(`START TRANSACTION; ${upd.sql}${logs ? `; ${logs.sql}` : ''}`, logs ? [...upd.params, ...logs.params] : upd.params)) as unknown as [{ affectedRows: number }[]];
      if (res[1].affectedRows !== batch.length) {
        await conn.query('ROLLBACK');
        open = false;
        return null;
      }
      await conn.query('COMMIT');
      open = false;
    } catch (err) {
      if (open) {
        try {
          await conn.query('ROLLBACK');
        } catch {
          conn.destroy();
          throw err;
        }
      }
      throw err;
    } finally {
      // a destroyed connection's release is a no-op for the pool
      conn.release();
    }
    for (const p of batch) p.updatedAt = now;
    return batch.map(() => []);
  }

  /** Writes the steps of a batch in transaction `m`; a step whose run moved on gets a StaleRunError and writes nothing. */
  private async writeSteps(m: EntityManager, batch: PendingStep[]): Promise<(MessageEntity[] | StaleRunError)[]> {
    const out: (MessageEntity[] | StaleRunError)[] = [];
    const written: PendingStep[] = [];
    const now = Date.now();
    const moved = await this.updateRuns(m, batch, now);
    for (const p of batch) {
      const { run } = p;
      if (moved.has(run.id)) {
        out.push(new StaleRunError(`run ${run.id} moved on`));
        continue;
      }
      p.updatedAt = now;
      written.push(p);
      if (p.extra) await p.extra(m);
      out.push(run.mode === 'live' && run.chatId ? await this.applyEffects(m, run, p.effects) : []);
    }
    const logs = this.logInsert(written);
    if (logs) await m.query(logs.sql, logs.params);
    return out;
  }

  /** One multi-row insert of the steps' log rows (null when none has one). */
  private logInsert(steps: PendingStep[]): { sql: string; params: unknown[] } | null {
    const params: unknown[] = [];
    let n = 0;
    for (const { run, log } of steps) {
      if (!log) continue;
      n++;
      params.push(newId(), run.tenantId, run.id, log.flowId ?? run.flowId, log.versionId !== undefined ? log.versionId : run.versionId, log.nodeId, log.nodeType, log.startedAt, log.finishedAt, log.outcome, log.branch, json(log.error ?? null));
    }
    if (!n) return null;
    const values = Array.from({ length: n }, () => '(?,?,?,?,?,?,?,?,?,?,?,?)').join(',');
    return { sql: `INSERT INTO flow_steps (id, tenant_id, run_id, flow_id, version_id, node_id, node_type, started_at, finished_at, outcome, branch, error_json) VALUES ${values}`, params };
  }

  /** The batch's conditional run update: one statement, a `CASE id WHEN … END` per column. */
  private runUpdate(batch: PendingStep[], now: number): { sql: string; params: unknown[] } {
    const cols: [string, (r: RunRow) => unknown][] = [
      ['status', (r) => r.status],
      ['current_node_id', (r) => r.currentNodeId],
      ['vars_json', (r) => json(r.vars)],
      ['state_json', (r) => json(r.state)],
      ['transcript_json', (r) => json(r.transcript)],
      ['contact_json', (r) => json(r.simContact)],
      ['active_chat_key', (r) => (FINISHED.includes(r.status) || r.mode !== 'live' ? null : r.chatId)],
      ['last_message_id', (r) => r.lastMessageId],
      ['steps', (r) => r.steps],
      ['error_json', (r) => json(r.error)],
      ['finished_at', (r) => (FINISHED.includes(r.status) ? now : null)],
    ];
    const params: unknown[] = [];
    let sql: string;
    if (batch.length === 1) {
      const r = batch[0].run;
      sql = `UPDATE flow_runs SET ${cols.map(([c]) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ? AND steps = ?`;
      params.push(...cols.map(([, f]) => f(r)), now, r.id, batch[0].prevSteps);
    } else {
      const sets = cols.map(([c, f]) => {
        for (const p of batch) params.push(p.run.id, f(p.run));
        return `${c} = CASE id ${batch.map(() => 'WHEN ? THEN ?').join(' ')} END`;
      });
      params.push(now);
      const where = batch.map(() => '(id = ? AND steps = ?)').join(' OR ');
      for (const p of batch) params.push(p.run.id, p.prevSteps);
      sql = `UPDATE flow_runs SET ${sets.join(', ')}, updated_at = ? WHERE ${where}`;
    }
    return { sql, params };
  }

  /**
   * Writes the runs' new state, each conditional on its step counter, in one statement (a
   * `CASE id WHEN … END` per column) — one round trip for the whole batch. Returns the ids of
   * runs another worker moved on (not updated): found by re-reading the counters only when
   * fewer rows changed than expected.
   */
  private async updateRuns(m: EntityManager, batch: PendingStep[], now: number): Promise<Set<string>> {
    const { sql, params } = this.runUpdate(batch, now);
    const changed = await this.db.execute(m, sql, params);
    if (changed === batch.length) return new Set();
    if (batch.length === 1) return new Set([batch[0].run.id]);
    // which ones moved on: a run updated here now has this batch's step counter and time
    const rows: { id: string; steps: number | string; updated_at: number | string }[] = await m.query(
      `SELECT id, steps, updated_at FROM flow_runs WHERE id IN (${batch.map(() => '?').join(',')})`,
      batch.map((p) => p.run.id),
    );
    const ok = new Set(rows.filter((r) => Number(r.updated_at) === now && batch.some((p) => p.run.id === r.id && Number(r.steps) === p.run.steps)).map((r) => r.id));
    return new Set(batch.filter((p) => !ok.has(p.run.id)).map((p) => p.run.id));
  }

  private async applyEffects(m: EntityManager, run: RunRow, effects: NodeEffect[]): Promise<MessageEntity[]> {
    const sent: MessageEntity[] = [];
    for (const e of effects) {
      if (e.kind === 'send') sent.push(await this.queueBotMessage(m, run, e.message));
      else if (e.kind === 'assign') await this.assign(m, run.tenantId, run.chatId!, e);
      else if (e.kind === 'tag') await this.tag(m, run.tenantId, run.chatId!, e.add ?? [], e.remove ?? []);
      else if (e.kind === 'handoff') await this.handoff(m, run.tenantId, run.chatId!, e.assigneeId ?? null);
      else if (e.kind === 'contact.update' && run.contactId) await this.updateContact(m, run.tenantId, run.contactId, e.fields);
    }
    return sent;
  }

  /** Stores a bot message `queued`, like ChatsService.send does for agents; the dispatcher sends it. */
  private async queueBotMessage(m: EntityManager, run: RunRow, out: NodeOutMessage): Promise<MessageEntity> {
    const now = Date.now();
    const content: Record<string, unknown> = { flowId: run.flowId, runId: run.id };
    let text: string | null = null;
    let media: MessageEntity['media'] = null;
    if (out.type === 'text') text = out.text;
    else if (out.type === 'template') content.template = out.template;
    else if (out.type === 'interactive') (content.interactive = out.interactive), (text = out.interactive.body);
    else (media = { providerUrl: out.url, caption: out.caption, filename: out.filename } as MessageEntity['media']), (text = out.caption ?? null);
    const msg = Object.assign(new MessageEntity(), {
      id: newId(), tenantId: run.tenantId, chatId: run.chatId!, channelId: run.channelId!, direction: 'out', senderType: 'bot', senderId: null,
      type: out.type, text, media, content, status: 'queued', error: null, externalId: null, replyToExternalId: null,
      reactionToId: null, createdAt: now, providerAt: null, sentAt: null, deliveredAt: null, readAt: null, failedAt: null, attempts: 0, nextAttemptAt: null, leaseUntil: null,
    } satisfies Partial<MessageEntity>);
    await m.insert(MessageEntity, asRow(msg));
    const preview = previewOf(out.type, text ?? (out.type === 'template' ? out.template.name : null));
    await m.update(ChatEntity, { tenantId: run.tenantId, id: run.chatId! }, { lastMessageAt: now, lastMessagePreview: preview, updatedAt: now });
    return msg;
  }

  /**
   * `chat.assign`: a given user of the tenant, or among the candidates (the listed users, else
   * the tenant's users with the role) the next one round-robin or the one with fewest open chats.
   */
  private async assign(m: EntityManager, tenantId: string, chatId: string, e: Extract<NodeEffect, { kind: 'assign' }>): Promise<void> {
    const users: { id: string; role: string }[] = await m.query('SELECT id, role FROM users WHERE tenant_id = ? ORDER BY id', [tenantId]);
    let pool = users.filter((u) => (e.candidates?.length ? e.candidates.includes(u.id) : !e.role || e.role === 'any' || u.role === e.role)).map((u) => u.id);
    if (e.strategy === 'user') pool = e.userId && users.some((u) => u.id === e.userId) ? [e.userId] : [];
    if (!pool.length) return;
    let pick = pool[0];
    if (e.strategy === 'least_busy') {
      const counts: { assignee_id: string; n: number | string }[] = await m.query(
        `SELECT assignee_id, COUNT(*) AS n FROM chats WHERE tenant_id = ? AND status = 'open' AND assignee_id IN (${pool.map(() => '?').join(',')}) GROUP BY assignee_id`,
        [tenantId, ...pool],
      );
      const load = new Map(counts.map((c) => [c.assignee_id, Number(c.n)]));
      pick = pool.reduce((best, id) => ((load.get(id) ?? 0) < (load.get(best) ?? 0) ? id : best), pool[0]);
    } else if (e.strategy === 'round_robin') {
      const scope = createHash('sha256').update(e.candidates?.length ? [...e.candidates].sort().join(',') : `role:${e.role ?? 'agent'}`).digest('hex').slice(0, 64);
      const lock = this.db.dialect === 'mysql' ? ' FOR UPDATE' : '';
      const cur = await m.query(`SELECT last_user_id FROM flow_assign_cursors WHERE tenant_id = ? AND scope_key = ?${lock}`, [tenantId, scope]);
      const last = cur[0]?.last_user_id as string | undefined;
      pick = pool.find((id) => last !== undefined && id > last) ?? pool[0];
      if (cur.length) await m.query('UPDATE flow_assign_cursors SET last_user_id = ?, updated_at = ? WHERE tenant_id = ? AND scope_key = ?', [pick, Date.now(), tenantId, scope]);
      else await m.query(this.db.insertIgnore('flow_assign_cursors', ['tenant_id', 'scope_key', 'last_user_id', 'updated_at'], 1), [tenantId, scope, pick, Date.now()]);
    }
    await m.update(ChatEntity, { tenantId, id: chatId }, { assigneeId: pick, status: 'open', updatedAt: Date.now() });
  }

  /** Open, unassigned chats without an active run or a bot pause (for scheduled flows). */
  async chatsForSchedule(tenantId: string, f: { channelIds: string[]; tags: string[]; limit: number }): Promise<{ id: string; contactId: string; channelId: string }[]> {
    const where = ["c.tenant_id = ?", "c.status = 'open'", 'c.assignee_id IS NULL', 'NOT EXISTS (SELECT 1 FROM flow_runs r WHERE r.active_chat_key = c.id)', 'NOT EXISTS (SELECT 1 FROM flow_chat_pauses p WHERE p.chat_id = c.id)'];
    const params: unknown[] = [tenantId];
    if (f.channelIds.length) (where.push(`c.channel_id IN (${f.channelIds.map(() => '?').join(',')})`), params.push(...f.channelIds));
    for (const tag of f.tags) {
      where.push('EXISTS (SELECT 1 FROM chat_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.chat_id = c.id AND t.tenant_id = ? AND t.name = ?)');
      params.push(tenantId, tag);
    }
    const rows = await this.db.manager.query(`SELECT c.id, c.contact_id, c.channel_id FROM chats c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${Math.max(1, Math.min(10000, f.limit | 0))}`, params);
    return rows.map((r: any) => ({ id: r.id, contactId: r.contact_id, channelId: r.channel_id }));
  }

  private async tag(m: EntityManager, tenantId: string, chatId: string, add: string[], remove: string[]): Promise<void> {
    const now = Date.now();
    for (const name of new Set(add)) {
      await m.query(this.db.insertIgnore('tags', ['id', 'tenant_id', 'name', 'color', 'created_at'], 1), [newId(), tenantId, name.slice(0, 100), '#64748b', now]);
      const tag = await m.query('SELECT id FROM tags WHERE tenant_id = ? AND name = ?', [tenantId, name.slice(0, 100)]);
      await m.query(this.db.insertIgnore('chat_tags', ['chat_id', 'tag_id', 'tenant_id'], 1), [chatId, tag[0].id, tenantId]);
    }
    for (const name of new Set(remove)) {
      await m.query('DELETE FROM chat_tags WHERE tenant_id = ? AND chat_id = ? AND tag_id IN (SELECT id FROM tags WHERE tenant_id = ? AND name = ?)', [tenantId, chatId, tenantId, name]);
    }
    if (add.length || remove.length) await m.update(ChatEntity, { tenantId, id: chatId }, { updatedAt: now });
  }

  private async handoff(m: EntityManager, tenantId: string, chatId: string, assigneeId: string | null): Promise<void> {
    const now = Date.now();
    await m.query(this.db.insertIgnore('flow_chat_pauses', ['chat_id', 'tenant_id', 'reason', 'created_at'], 1), [chatId, tenantId, 'handoff', now]);
    if (assigneeId && (await m.query('SELECT id FROM users WHERE tenant_id = ? AND id = ?', [tenantId, assigneeId])).length) {
      await m.update(ChatEntity, { tenantId, id: chatId }, { assigneeId, status: 'open', updatedAt: now });
    } else {
      await m.update(ChatEntity, { tenantId, id: chatId }, { status: 'open', updatedAt: now });
    }
  }

  private async updateContact(m: EntityManager, tenantId: string, contactId: string, fields: { name?: string; email?: string; attributes?: Record<string, unknown> }) {
    const cur = await m.query('SELECT attributes_json FROM contacts WHERE tenant_id = ? AND id = ?', [tenantId, contactId]);
    if (!cur.length) return;
    const attributes = fields.attributes ? { ...parse(cur[0].attributes_json, {}), ...fields.attributes } : undefined;
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [Date.now()];
    if (fields.name !== undefined) (sets.push('name = ?'), params.push(fields.name));
    if (fields.email !== undefined) (sets.push('email = ?'), params.push(fields.email));
    if (attributes) (sets.push('attributes_json = ?'), params.push(JSON.stringify(attributes)));
    await m.query(`UPDATE contacts SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`, [...params, tenantId, contactId]);
  }

  /** Live runs of a flow and their step log (oldest first per run), for the stats. */
  async facts(tenantId: string, flowId: string): Promise<{ runs: RunFact[]; steps: StepFact[] }> {
    const runs = await this.db.manager.query("SELECT id, status, current_node_id FROM flow_runs WHERE tenant_id = ? AND flow_id = ? AND mode = 'live'", [tenantId, flowId]);
    const steps = await this.db.manager.query(
      `SELECT s.run_id, s.node_id, s.started_at, s.finished_at, s.outcome, s.branch FROM flow_steps s JOIN flow_runs r ON r.id = s.run_id
        WHERE s.tenant_id = ? AND s.flow_id = ? AND r.mode = 'live' ORDER BY s.run_id, s.id`,
      [tenantId, flowId],
    );
    return {
      runs: runs.map((r: any) => ({ id: r.id, status: r.status, currentNodeId: r.current_node_id ?? null })),
      steps: steps.map((r: any) => ({ runId: r.run_id, nodeId: r.node_id, startedAt: Number(r.started_at), finishedAt: Number(r.finished_at), outcome: r.outcome, branch: r.branch ?? null })),
    };
  }

  /** The contact's most recently active chat of the tenant, if any. */
  async latestChatOfContact(tenantId: string, contactId: string): Promise<{ id: string; contactId: string; channelId: string } | null> {
    const rows = await this.db.manager.query(
      'SELECT id, contact_id, channel_id FROM chats WHERE tenant_id = ? AND contact_id = ? ORDER BY COALESCE(last_message_at, created_at) DESC, id DESC LIMIT 1',
      [tenantId, contactId],
    );
    return rows.length ? { id: rows[0].id, contactId: rows[0].contact_id, channelId: rows[0].channel_id } : null;
  }

  /** A chat of the tenant, if any. */
  async chatOf(tenantId: string, chatId: string): Promise<{ id: string; contactId: string; channelId: string } | null> {
    const rows = await this.db.manager.query('SELECT id, contact_id, channel_id FROM chats WHERE tenant_id = ? AND id = ?', [tenantId, chatId]);
    return rows.length ? { id: rows[0].id, contactId: rows[0].contact_id, channelId: rows[0].channel_id } : null;
  }

  /** The chat's assignee (null when unassigned or unknown). */
  async assigneeOf(tenantId: string, chatId: string): Promise<string | null> {
    const rows = await this.db.manager.query('SELECT assignee_id FROM chats WHERE tenant_id = ? AND id = ?', [tenantId, chatId]);
    return rows[0]?.assignee_id ?? null;
  }

  /** A contact id of the tenant, if it exists. */
  async contactExists(tenantId: string, contactId: string): Promise<boolean> {
    return (await this.db.manager.query('SELECT id FROM contacts WHERE tenant_id = ? AND id = ?', [tenantId, contactId])).length > 0;
  }

  /** Deletes the chat's bot pause (resume after a handoff); true when there was one. */
  async unpause(tenantId: string, chatId: string): Promise<boolean> {
    return (await this.db.transaction((m) => this.db.execute(m, 'DELETE FROM flow_chat_pauses WHERE tenant_id = ? AND chat_id = ?', [tenantId, chatId]))) > 0;
  }

  /** The chat's bot pause (`reason`, epoch ms `since`), or null. */
  async pauseOf(tenantId: string, chatId: string): Promise<{ reason: string; since: number } | null> {
    const rows = await this.db.manager.query('SELECT reason, created_at FROM flow_chat_pauses WHERE tenant_id = ? AND chat_id = ?', [tenantId, chatId]);
    return rows.length ? { reason: rows[0].reason, since: Number(rows[0].created_at) } : null;
  }

  /** True when the bot is paused in the chat (handed off to a human). */
  async isPaused(chatId: string): Promise<boolean> {
    return (await this.db.manager.query('SELECT chat_id FROM flow_chat_pauses WHERE chat_id = ?', [chatId])).length > 0;
  }

  /** Inbound customer messages among `ids`, oldest first, with their chat's contact and assignee. */
  async inbound(ids: string[]): Promise<InboundForFlows[]> {
    if (!ids.length) return [];
    const rows = await this.db.manager.query(
      `SELECT m.id, m.tenant_id, m.chat_id, m.channel_id, m.type, m.text, m.media_json, m.content_json, c.contact_id, c.assignee_id, c.created_at AS chat_created_at
         FROM messages m JOIN chats c ON c.id = m.chat_id
        WHERE m.id IN (${ids.map(() => '?').join(',')}) AND m.direction = 'in' AND m.sender_type = 'contact' ORDER BY m.id`,
      ids,
    );
    return rows.map((r: any) => ({
      id: r.id, tenantId: r.tenant_id, chatId: r.chat_id, channelId: r.channel_id, contactId: r.contact_id, type: r.type, text: r.text ?? null,
      media: parse(r.media_json, null), content: parse(r.content_json, null), assigneeId: r.assignee_id ?? null, chatCreatedAt: Number(r.chat_created_at),
    }));
  }

  /** The contact as nodes see it. */
  async contact(tenantId: string, id: string): Promise<{ id: string; name: string | null; phone: string | null; email: string | null; attributes: Record<string, unknown> } | null> {
    const rows = await this.db.manager.query('SELECT id, name, phone, email, attributes_json FROM contacts WHERE tenant_id = ? AND id = ?', [tenantId, id]);
    if (!rows.length) return null;
    const r = rows[0];
    return { id: r.id, name: r.name ?? null, phone: r.phone ?? null, email: r.email ?? null, attributes: parse(r.attributes_json, {}) };
  }
}
