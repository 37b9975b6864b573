/**
 * The flow engine (DESIGN.md §6). Inbound customer messages (after their commit) resume the
 * chat's waiting run or start the first enabled flow whose trigger matches; a run then advances
 * node by node, committing its state, log row and effects per step. One active run per chat
 * (unique key), a chat with an assignee or a handoff pause is left to humans, and every message
 * is consumed at most once (redelivered outbox rows are ignored).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NodeContext, NodeDefinition, NodeEffect, NodeMessage, NodeResult, TriggerEvent } from '@parley/sdk';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { OutboundDispatcher } from '../channels/outbound.dispatcher.js';
import { toMessageJson } from '../conversations/conversations.json.js';
import { newId } from '../database/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { SandboxService } from '../sandbox/sandbox.service.js';
import type { FlowGraph, FlowNode } from './flow.types.js';
import { FlowsRepository } from './flows.repository.js';
import { NodeRegistry } from './node-registry.js';
import { RunsRepository, StaleRunError, type InboundForFlows, type RunRow, type StepLog } from './runs.repository.js';
import { render } from './template.js';
import { toFlowMessage } from './flow-message.js';
import type { FlowDomainEvent } from './domain-events.js';
import { HostHttp } from './host-http.js';
import type { ScheduleConfig } from './nodes/triggers.js';

/** Steps one activation may take before the run is failed (a guard against runaway graphs). */
export const MAX_STEPS_PER_ACTIVATION = 200;
const STALE_AFTER_MS = 30_000;
/** agenda job resuming a run whose wait (delay, question timeout) is over. */
export const TIMER_JOB = 'flow.timer';
/** agenda job firing a `trigger.schedule` node. */
export const SCHEDULE_JOB = 'flow.schedule';

/** Engine bookkeeping kept in a waiting run's state (beside the node's own state). */
interface WaitState {
  __wait?: 'message' | 'time';
  __timer?: { token: string; at: number };
}
interface TimerData extends Record<string, unknown> {
  key: string;
  tenantId: string;
  runId: string;
  token: string;
}
interface ScheduleData extends Record<string, unknown> {
  key: string;
  tenantId: string;
  flowId: string;
  nodeId: string;
}

/** The bot's state in a chat (`GET /api/v1/chats/:id/bot`). */
export interface BotState {
  chatId: string;
  /** A flow handed the chat to a human (`chat.handoff`): no bot answers until resumed. */
  paused: boolean;
  pausedReason: string | null;
  pausedAt: string | null;
  assigneeId: string | null;
  /** True when the next inbound message reaches the flows (not paused, no assignee). */
  answering: boolean;
  activeRun: { id: string; flowId: string; status: string; currentNodeId: string | null } | null;
}

type Contact = { id: string | null; name: string | null; phone: string | null; email: string | null; attributes: Record<string, unknown> };

@Injectable()
export class FlowEngine implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly chains = new Map<string, Promise<void>>();
  readonly http: HostHttp;
  private readonly versions = new Map<string, FlowGraph>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly flows: FlowsRepository,
    private readonly runs: RunsRepository,
    private readonly registry: NodeRegistry,
    private readonly sandbox: SandboxService,
    private readonly dispatcher: OutboundDispatcher,
    private readonly realtime: RealtimeService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'flows' });
    this.http = new HostHttp(config.flowHttp);
  }

  onModuleInit(): void {
    this.jobs.define<TimerData>(TIMER_JOB, (d) => this.timerFired(d), { concurrency: 25, lockLimit: 250, lockLifetimeMs: 5 * 60_000 });
    this.jobs.define<ScheduleData>(SCHEDULE_JOB, async (d) => void (await this.scheduleFired(d)), { concurrency: 2 });
  }

  /**
   * Handles committed inbound messages (called by the conversations post-commit handler; a
   * throw makes the outbox retry, which is safe). Chats are processed concurrently, the
   * messages of one chat in order.
   */
  async inboundCommitted(p: { messageIds: string[]; newChatIds?: string[]; chatIds?: string[]; tenantIds?: string[] }): Promise<void> {
    // most messages concern no flow at all: keep those of chats with an active run or of tenants
    // with a runnable flow (one query per batch plus one per tenant, before loading messages)
    const withFlows = new Set<string>();
    for (const t of p.tenantIds ?? []) if ((await this.flows.runnable(t)).length) withFlows.add(t);
    const active = p.chatIds ? await this.runs.chatsWithActiveRun(p.chatIds) : null;
    if (p.tenantIds && !withFlows.size && active && !active.size) return;
    const all = await this.runs.inbound(p.messageIds);
    if (!all.length) return;
    const msgs = p.tenantIds && active ? all.filter((m) => active.has(m.chatId) || withFlows.has(m.tenantId)) : all;
    if (!msgs.length) return;
    const newChats = new Set(p.newChatIds ?? []);
    const byChat = new Map<string, InboundForFlows[]>();
    for (const m of msgs) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m]);
    await Promise.all(
      [...byChat].map(([chatId, list]) =>
        this.serial(chatId, async () => {
          for (const [i, m] of list.entries()) await this.onMessage(m, i === 0 && newChats.has(chatId));
        }),
      ),
    );
  }

  private serial(key: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(key, tail);
    void tail.then(() => this.chains.get(key) === tail && this.chains.delete(key));
    return next;
  }

  private async onMessage(msg: InboundForFlows, newChat: boolean): Promise<void> {
    if (msg.assigneeId || (await this.runs.isPaused(msg.chatId))) return;
    const message: NodeMessage = toFlowMessage(msg);
    const active = await this.runs.activeForChat(msg.chatId);
    if (active) {
      // during a delay the bot ignores the contact's messages
      if (active.status === 'waiting' && (active.state as WaitState).__wait === 'time') return;
      if (active.status === 'waiting' && (!active.lastMessageId || msg.id > active.lastMessageId)) {
        active.lastMessageId = msg.id;
        await this.advance(active, await this.graphOf(active), message, true);
      }
      return;
    }
    if (await this.runs.consumed(msg.chatId, msg.id)) return;
    for (const flow of await this.flows.runnable(msg.tenantId)) {
      const graph = await this.versionGraph(flow.publishedVersionId!);
      const trigger = this.matchTrigger(graph, { kind: 'message', message, newChat, channelId: msg.channelId });
      if (!trigger) continue;
      const run = this.newRun({ tenantId: msg.tenantId, flowId: flow.id, versionId: flow.publishedVersionId, mode: 'live', chatId: msg.chatId, contactId: msg.contactId, channelId: msg.channelId, node: trigger, messageId: msg.id });
      if (await this.runs.insert(run)) await this.advance(run, graph, message, false);
      return;
    }
  }

  /** The first trigger node of `graph` matching the event. */
  matchTrigger(graph: FlowGraph, event: TriggerEvent): FlowNode | null {
    for (const node of graph.nodes) {
      if (event.kind === 'schedule' && node.id !== event.nodeId) continue;
      const def = this.registry.get(node.type);
      if (def?.trigger && def.matches?.(node.config, event)) return node;
    }
    return null;
  }

  /** A fresh run positioned on its trigger node. */
  newRun(o: { tenantId: string; flowId: string; versionId: string | null; mode: RunRow['mode']; chatId: string | null; contactId: string | null; channelId: string | null; node: FlowNode; messageId: string | null; graph?: FlowGraph; simContact?: Record<string, unknown> }): RunRow {
    const now = Date.now();
    return {
      id: newId(), tenantId: o.tenantId, flowId: o.flowId, versionId: o.versionId, mode: o.mode, chatId: o.chatId, contactId: o.contactId, channelId: o.channelId,
      status: 'running', currentNodeId: o.node.id, vars: {}, state: {}, transcript: [], graph: o.graph ?? null, simContact: o.simContact ?? null,
      lastMessageId: o.messageId, triggerMessageId: o.mode === 'live' ? o.messageId : null, steps: 0, error: null, createdAt: now, updatedAt: now,
    };
  }

  private async graphOf(run: RunRow): Promise<FlowGraph> {
    return run.graph ?? this.versionGraph(run.versionId!);
  }

  private async versionGraph(versionId: string): Promise<FlowGraph> {
    let g = this.versions.get(versionId);
    if (!g) {
      const v = await this.flows.versionById(versionId);
      g = v?.graph ?? { nodes: [], edges: [] };
      if (v) this.versions.set(versionId, g); // versions are immutable
    }
    return g;
  }

  private async contactOf(run: RunRow): Promise<Contact> {
    if (run.mode === 'simulation') return { id: null, name: null, phone: null, email: null, attributes: {}, ...(run.simContact as Partial<Contact>) };
    return (run.contactId && (await this.runs.contact(run.tenantId, run.contactId))) || { id: null, name: null, phone: null, email: null, attributes: {} };
  }

  /**
   * Advances `run` until it waits, ends or fails. `resuming`: the current node is waiting and
   * `message` is the answer. Each step is committed before the next one runs.
   */
  async advance(run: RunRow, graph: FlowGraph, message: NodeMessage | null, resuming: boolean, wake: 'message' | 'time' = 'message'): Promise<RunRow> {
    const contact = await this.contactOf(run);
    const startSteps = run.steps;
    run.status = 'running';
    for (;;) {
      const node = graph.nodes.find((n) => n.id === run.currentNodeId);
      const def = node && this.registry.get(node.type);
      const started = Date.now();
      let result: NodeResult;
      if (!node || !def) {
        result = { output: 'error', vars: { lastError: { code: 'NODE_MISSING', message: `Node ${run.currentNodeId} (${node?.type ?? 'missing'}) cannot run` } } };
      } else {
        try {
          const ctx = this.context(run, node, contact, message, resuming ? wake : undefined);
          result = resuming && def.resume ? await def.resume(ctx) : await def.execute(ctx);
        } catch (e) {
          result = { output: 'error', vars: { lastError: { code: 'NODE_FAILED', message: e instanceof Error ? e.message : String(e) } } };
        }
      }
      resuming = false;
      let target: { flowId: string; versionId: string; graph: FlowGraph; trigger: FlowNode } | null = null;
      if (result.goto) {
        target = await this.gotoTarget(run.tenantId, result.goto.flowId);
        if (!target) result = { output: 'error', vars: { lastError: { code: 'FLOW_NOT_FOUND', message: `Flow ${result.goto.flowId} does not exist or is not published` } } };
      }
      for (const ef of result.effects ?? []) {
        if (ef.kind !== 'contact.update') continue;
        const { attributes, ...fields } = ef.fields;
        Object.assign(contact, fields, attributes ? { attributes: { ...contact.attributes, ...attributes } } : {});
        if (run.mode === 'simulation') run.simContact = { ...contact };
      }
      const prevSteps = run.steps;
      const hadTimer = !!(run.state as WaitState).__timer;
      const log = this.apply(run, graph, node ?? null, result, started, target);
      if (target) graph = target.graph;
      if (run.status === 'running' && run.steps - startSteps >= MAX_STEPS_PER_ACTIVATION) {
        run.status = 'failed';
        run.error = { code: 'STEP_LIMIT', message: `More than ${MAX_STEPS_PER_ACTIVATION} steps without waiting`, nodeId: run.currentNodeId ?? undefined };
      }
      const timer = (run.status as RunRow['status']) === 'waiting' ? ((run.state as WaitState).__timer ?? null) : null;
      const timerKey = `run:${run.id}`;
      let timerJob: string | null = null;
      try {
        const timers = hadTimer || timer
          ? async (m: EntityManager) => {
              if (hadTimer) await this.jobs.deleteInTransaction(m, timerKey, TIMER_JOB);
              if (timer) {
                const data: TimerData = { key: timerKey, tenantId: run.tenantId, runId: run.id, token: timer.token };
                timerJob = await this.jobs.insertInTransaction(m, TIMER_JOB, timer.at, data);
              }
            }
          : undefined;
        const sent = await this.runs.commitStep(run, prevSteps, log, result.effects ?? [], timers);
        if (timerJob && timer) this.jobs.notify(TIMER_JOB, timerJob, timer.at);
        if (sent.length) {
          for (const m of sent) this.realtime.emit(m.tenantId, 'message_created', { message: toMessageJson(m, (id) => `/api/v1/media/${id}`) });
          this.dispatcher.kick();
        }
      } catch (e) {
        if (e instanceof StaleRunError) return run;
        throw e;
      }
      // simulations do not wait for time: a delay is over at once
      if ((run.status as RunRow['status']) === 'waiting' && run.mode === 'simulation' && (run.state as WaitState).__wait === 'time') {
        run.status = 'running';
        resuming = true;
        wake = 'time';
        continue;
      }
      if (run.status !== 'running') return run;
    }
  }

  /** The published version and first trigger of flow `flowId` of the tenant, for `flow.goto`. */
  private async gotoTarget(tenantId: string, flowId: string) {
    const flow = await this.flows.get(tenantId, flowId);
    if (!flow?.publishedVersionId) return null;
    const graph = await this.versionGraph(flow.publishedVersionId);
    const trigger = graph.nodes.find((n) => this.registry.get(n.type)?.trigger);
    return trigger ? { flowId: flow.id, versionId: flow.publishedVersionId, graph, trigger } : null;
  }

  /** Applies a node's result to the run in memory; returns the step's log entry. */
  private apply(run: RunRow, graph: FlowGraph, node: FlowNode | null, result: NodeResult, started: number, target: { flowId: string; versionId: string; graph: FlowGraph; trigger: FlowNode } | null): StepLog {
    run.steps++;
    if (result.vars) run.vars = { ...run.vars, ...result.vars };
    const effects: NodeEffect[] = result.effects ?? [];
    if (run.mode === 'simulation') {
      for (const e of effects) if (e.kind === 'send') run.transcript.push({ from: 'bot', ...transcriptOf(e.message) });
    }
    const log: StepLog = {
      nodeId: node?.id ?? String(run.currentNodeId), nodeType: node?.type ?? 'unknown', startedAt: started, finishedAt: Date.now(), outcome: 'ok', branch: null,
      flowId: run.flowId, versionId: run.versionId,
    };
    const handoff = effects.some((e) => e.kind === 'handoff');
    if (result.wait && !handoff) {
      run.status = 'waiting';
      const at = result.wait.for === 'time' ? result.wait.at : result.wait.timeoutMs ? log.finishedAt + result.wait.timeoutMs : null;
      const wait: WaitState = { __wait: result.wait.for, ...(at !== null && run.mode === 'live' ? { __timer: { token: newId(), at } } : {}) };
      run.state = { ...(result.state ?? {}), ...wait };
      log.outcome = 'waiting';
      return log;
    }
    run.state = {};
    if (target) {
      log.branch = 'goto';
      run.flowId = target.flowId;
      if (run.mode === 'live') run.versionId = target.versionId;
      else run.graph = target.graph;
      run.currentNodeId = target.trigger.id;
      return log;
    }
    if (handoff || result.end || !result.output) {
      run.status = handoff ? 'handed_off' : 'completed';
      return log;
    }
    log.branch = result.output;
    const edge = graph.edges.find((e) => e.source === node?.id && (e.sourceHandle ?? 'out') === result.output);
    if (edge) {
      run.currentNodeId = edge.target;
      if (result.output === 'error') log.outcome = 'error';
      return log;
    }
    if (result.output === 'error') {
      const err = (run.vars.lastError ?? {}) as { code?: string; message?: string };
      run.status = 'failed';
      run.error = { code: err.code ?? 'ERROR', message: err.message ?? 'The node failed', nodeId: node?.id };
      log.outcome = 'error';
      log.error = { code: run.error.code, message: run.error.message };
      return log;
    }
    run.status = 'completed';
    return log;
  }

  private context(run: RunRow, node: FlowNode, contact: Contact, message: NodeMessage | null, wake?: 'message' | 'time'): NodeContext<any> {
    const scope = { vars: run.vars, contact: contact as unknown as Record<string, unknown>, message: message as unknown as Record<string, unknown> | null };
    return {
      config: node.config,
      nodeId: node.id,
      runId: run.id,
      vars: structuredClone(run.vars),
      contact: structuredClone(contact),
      message: message ? structuredClone(message) : null,
      state: { ...run.state },
      render: (t: string) => render(t, scope),
      runCode: (code: string) => this.sandbox.run(code, { vars: run.vars, contact: contact as unknown as Record<string, unknown>, message: message as unknown as Record<string, unknown> | null }),
      simulation: run.mode === 'simulation',
      wake,
      now: Date.now(),
      http: (req) => this.http.request(req),
      ...this.registry.capabilitiesOf(node.type),
    };
  }

  /** A delay or question timeout is over: resumes the run if it still waits on that timer. */
  async timerFired(d: TimerData): Promise<void> {
    const run = await this.runs.get(d.tenantId, d.runId);
    if (!run || run.status !== 'waiting' || (run.state as WaitState).__timer?.token !== d.token) return;
    await this.serial(run.chatId ?? run.id, async () => {
      const fresh = await this.runs.get(d.tenantId, d.runId);
      if (!fresh || fresh.status !== 'waiting' || (fresh.state as WaitState).__timer?.token !== d.token) return;
      await this.advance(fresh, await this.graphOf(fresh), null, true, 'time');
    });
  }

  /**
   * Keeps the agenda jobs of a flow's `trigger.schedule` nodes in line with its running version:
   * none when the flow is disabled, unpublished or deleted. Called after publish, rollback,
   * enable/disable and delete.
   */
  async syncSchedules(tenantId: string, flowId: string): Promise<void> {
    await this.jobs.agenda.cancel({ name: SCHEDULE_JOB, data: { flowId } });
    const flow = await this.flows.get(tenantId, flowId);
    if (!flow?.enabled || !flow.publishedVersionId) return;
    const graph = await this.versionGraph(flow.publishedVersionId);
    for (const node of graph.nodes) {
      if (node.type !== 'trigger.schedule') continue;
      const c = node.config as unknown as ScheduleConfig;
      const data: ScheduleData = { key: `schedule:${flowId}:${node.id}`, tenantId, flowId, nodeId: node.id };
      if (c.cron) await this.jobs.every(c.cron, SCHEDULE_JOB, data, { timezone: c.timezone ?? 'UTC' });
      else if (c.at && Date.parse(c.at) > Date.now()) await this.jobs.schedule(new Date(Date.parse(c.at)), SCHEDULE_JOB, data);
    }
  }

  /** A schedule fired: one contact-less run, or one run per matching open chat. Returns the runs started. */
  async scheduleFired(d: ScheduleData): Promise<number> {
    const flow = await this.flows.get(d.tenantId, d.flowId);
    if (!flow?.enabled || !flow.publishedVersionId) return 0;
    const graph = await this.versionGraph(flow.publishedVersionId);
    const node = this.matchTrigger(graph, { kind: 'schedule', nodeId: d.nodeId });
    if (!node) return 0;
    const c = node.config as unknown as ScheduleConfig;
    const base = { tenantId: d.tenantId, flowId: flow.id, versionId: flow.publishedVersionId, mode: 'live' as const, node, messageId: null };
    if (c.target !== 'open_chats') {
      const run = this.newRun({ ...base, chatId: null, contactId: null, channelId: null });
      if (!(await this.runs.insert(run))) return 0;
      await this.serial(run.id, async () => void (await this.advance(run, graph, null, false)));
      return 1;
    }
    let n = 0;
    for (const chat of await this.runs.chatsForSchedule(d.tenantId, { channelIds: c.channelIds ?? [], tags: c.tags ?? [], limit: c.limit ?? 500 })) {
      const run = this.newRun({ ...base, chatId: chat.id, contactId: chat.contactId, channelId: chat.channelId });
      if (!(await this.runs.insert(run))) continue; // the chat got an active run meanwhile
      n++;
      await this.serial(chat.id, async () => void (await this.advance(run, graph, null, false))).catch((err) => this.log.error({ err, runId: run.id }, 'scheduled run failed'));
    }
    return n;
  }

  /**
   * `POST /webhooks/flows/:flowId`: starts a contact-less run of the flow's `trigger.webhook`
   * whose secret matches, with the JSON body in `vars.body`; answers once the run waits or ends.
   * Returns null when the flow does not exist, is not enabled, or has no webhook trigger;
   * `{secretOk: false}` for a wrong secret.
   */
  async webhook(flowId: string, secret: string | null, body: unknown): Promise<{ runId: string; status: string } | { secretOk: false } | null> {
    const flow = await this.flows.byIdAnyTenant(flowId);
    if (!flow?.enabled || !flow.publishedVersionId) return null;
    const graph = await this.versionGraph(flow.publishedVersionId);
    if (!graph.nodes.some((n) => n.type === 'trigger.webhook')) return null;
    const node = this.matchTrigger(graph, { kind: 'webhook', secret, body });
    if (!node) return { secretOk: false };
    const run = this.newRun({ tenantId: flow.tenantId, flowId: flow.id, versionId: flow.publishedVersionId, mode: 'live', chatId: null, contactId: null, channelId: null, node, messageId: null });
    run.vars = { body };
    await this.runs.insert(run);
    let done = run;
    await this.serial(run.id, async () => void (done = await this.advance(run, graph, null, false)));
    return { runId: run.id, status: done.status };
  }

  /**
   * A chat or contact change (outbox topic `flows.domain_event`): starts a run of **every**
   * enabled flow with a matching trigger (automations), in the event's chat — for contact
   * events the contact's most recent chat. These runs start also in assigned or handed-off
   * chats (the change came from a human or the API); a chat whose bot slot is taken gets the run
   * without the slot. A redelivered event starts nothing twice (trigger key = event id + flow).
   */
  async domainEvent(ev: FlowDomainEvent): Promise<number> {
    let chat: { id: string; contactId: string; channelId: string } | null = null;
    if ('chatId' in ev) chat = { id: ev.chatId, contactId: ev.contactId, channelId: ev.channelId };
    else chat = await this.runs.latestChatOfContact(ev.tenantId, ev.contactId);
    const { id: _id, tenantId: _t, ...event } = ev;
    let n = 0;
    for (const flow of await this.flows.runnable(ev.tenantId)) {
      const graph = await this.versionGraph(flow.publishedVersionId!);
      const node = this.matchTrigger(graph, ev as unknown as TriggerEvent);
      if (!node) continue;
      const run = this.newRun({
        tenantId: ev.tenantId, flowId: flow.id, versionId: flow.publishedVersionId, mode: 'live', chatId: chat?.id ?? null,
        contactId: chat?.contactId ?? ('contactId' in ev ? ev.contactId : null), channelId: chat?.channelId ?? null, node, messageId: null,
      });
      run.triggerMessageId = eventKey(ev.id, flow.id);
      run.vars = { event };
      if (!(await this.runs.insert(run, { slot: 'prefer' }))) continue;
      n++;
      await this.serial(run.chatId ?? run.id, async () => void (await this.advance(run, graph, null, false)));
    }
    return n;
  }

  /**
   * `POST /api/v1/flows/:id/runs`: starts a run of the enabled flow's `trigger.api` in a chat
   * (`chatId`), in a contact's most recent chat (`contactId`), or without a contact; `vars` are
   * the initial variables. Answers once the run waits or ends. Refusals: `FLOW_UNKNOWN`,
   * `FLOW_NOT_RUNNABLE` (disabled or unpublished), `NO_API_TRIGGER`, `NOT_FOUND` (chat / contact
   * missing or another tenant's), `FLOW_RUN_ACTIVE` (the chat already has an active bot run).
   */
  async apiRun(tenantId: string, flowId: string, input: { chatId?: string; contactId?: string; vars?: Record<string, unknown> }): Promise<{ ok: true; runId: string; status: string; chatId: string | null } | { ok: false; code: 'FLOW_UNKNOWN' | 'FLOW_NOT_RUNNABLE' | 'NO_API_TRIGGER' | 'NOT_FOUND' | 'FLOW_RUN_ACTIVE' }> {
    const flow = await this.flows.get(tenantId, flowId);
    if (!flow) return { ok: false, code: 'FLOW_UNKNOWN' };
    if (!flow.enabled || !flow.publishedVersionId) return { ok: false, code: 'FLOW_NOT_RUNNABLE' };
    const graph = await this.versionGraph(flow.publishedVersionId);
    const node = this.matchTrigger(graph, { kind: 'api' } as unknown as TriggerEvent);
    if (!node) return { ok: false, code: 'NO_API_TRIGGER' };
    let chat: { id: string; contactId: string; channelId: string } | null = null;
    if (input.chatId) chat = await this.runs.chatOf(tenantId, input.chatId);
    else if (input.contactId) {
      if (!(await this.runs.contactExists(tenantId, input.contactId))) return { ok: false, code: 'NOT_FOUND' };
      chat = await this.runs.latestChatOfContact(tenantId, input.contactId);
    }
    if (input.chatId && !chat) return { ok: false, code: 'NOT_FOUND' };
    const run = this.newRun({ tenantId, flowId: flow.id, versionId: flow.publishedVersionId, mode: 'live', chatId: chat?.id ?? null, contactId: chat?.contactId ?? input.contactId ?? null, channelId: chat?.channelId ?? null, node, messageId: null });
    run.vars = { ...(input.vars ?? {}) };
    if (!(await this.runs.insert(run))) return { ok: false, code: 'FLOW_RUN_ACTIVE' };
    let done = run;
    await this.serial(run.chatId ?? run.id, async () => void (done = await this.advance(run, graph, null, false)));
    return { ok: true, runId: run.id, status: done.status, chatId: run.chatId };
  }

  /**
   * The bot's state in a chat of the tenant: the handoff pause, the assignee (the bot stays quiet
   * while there is one) and the active run. Null for an unknown chat.
   */
  async botState(tenantId: string, chatId: string): Promise<BotState | null> {
    const chat = await this.runs.chatOf(tenantId, chatId);
    if (!chat) return null;
    const pause = await this.runs.pauseOf(tenantId, chatId);
    const active = await this.runs.activeForChat(chatId);
    const assigneeId = await this.runs.assigneeOf(tenantId, chatId);
    return {
      chatId, paused: !!pause, pausedReason: pause?.reason ?? null, pausedAt: pause ? new Date(pause.since).toISOString() : null, assigneeId,
      answering: !pause && !assigneeId,
      activeRun: active && active.tenantId === tenantId ? { id: active.id, flowId: active.flowId, status: active.status, currentNodeId: active.currentNodeId } : null,
    };
  }

  /**
   * Clears the chat's handoff pause so that its next inbound message resumes the waiting run or
   * starts flows again (when the chat has no assignee). Chats carry no bot flag in their JSON,
   * so no realtime event is emitted; `GET /api/v1/chats/:id/bot` reads the state. Null for an
   * unknown chat.
   */
  async resumeBot(tenantId: string, chatId: string): Promise<BotState | null> {
    if (!(await this.runs.chatOf(tenantId, chatId))) return null;
    await this.runs.unpause(tenantId, chatId);
    return this.botState(tenantId, chatId);
  }

  /** Continues live runs left `running` by a crash (after STALE_AFTER_MS). */
  async recoverStale(): Promise<number> {
    let n = 0;
    for (const run of await this.runs.stale(Date.now() - STALE_AFTER_MS)) {
      if (!(await this.runs.claim(run))) continue;
      n++;
      await this.serial(run.chatId ?? run.id, async () => {
        const fresh = await this.runs.get(run.tenantId, run.id);
        if (fresh?.status === 'running') await this.advance(fresh, await this.graphOf(fresh), null, false);
      }).catch((err) => this.log.error({ err, runId: run.id }, 'run recovery failed'));
    }
    return n;
  }

  onApplicationBootstrap(): void {
    const tick = async () => {
      if (this.stopped) return;
      await this.recoverStale().catch((err) => this.log.error({ err }, 'stale run sweep failed'));
      if (!this.stopped) this.timer = setTimeout(tick, STALE_AFTER_MS);
    };
    this.timer = setTimeout(tick, 1_000);
  }

  /** Waits for in-flight activations (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.drain();
  }
}

/** A uuid-shaped key for "event `eventId` started flow `flowId`" (unique trigger key of the run). */
function eventKey(eventId: string, flowId: string): string {
  const h = createHash('sha256').update(`${eventId}:${flowId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A transcript line for a sent message (simulations). */
function transcriptOf(m: Extract<NodeEffect, { kind: 'send' }>['message']): { type: string; text: string } {
  switch (m.type) {
    case 'text':
      return { type: 'text', text: m.text };
    case 'template':
      return { type: 'template', text: `[template ${m.template.name} (${m.template.language})]` };
    case 'interactive': {
      const options = m.interactive.kind === 'buttons' ? (m.interactive.buttons ?? []) : (m.interactive.sections ?? []).flatMap((s) => s.rows);
      return { type: 'interactive', text: `${m.interactive.body} [${options.map((o) => o.title).join(' | ')}]` };
    }
    default:
      return { type: m.type, text: m.caption ? `${m.caption} (${m.url})` : m.url };
  }
}
