/**
 * The flow engine (DESIGN.md §6). Inbound customer messages (after their commit) resume the
 * chat's waiting run or start the first enabled flow whose trigger matches; a run then advances
 * node by node, committing its state, log row and effects per step. One active run per chat
 * (unique key), a chat with an assignee or a handoff pause is left to humans, and every message
 * is consumed at most once (redelivered outbox rows are ignored).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NodeContext, NodeDefinition, NodeEffect, NodeMessage, NodeResult } from '@parley/sdk';
import type { Logger } from 'pino';
import { OutboundDispatcher } from '../channels/outbound.dispatcher.js';
import { toMessageJson } from '../conversations/conversations.json.js';
import { newId } from '../database/ids.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { SandboxService } from '../sandbox/sandbox.service.js';
import type { FlowGraph, FlowNode } from './flow.types.js';
import { FlowsRepository } from './flows.repository.js';
import { NodeRegistry } from './node-registry.js';
import { RunsRepository, StaleRunError, type InboundForFlows, type RunRow, type StepLog } from './runs.repository.js';
import { render } from './template.js';

/** Steps one activation may take before the run is failed (a guard against runaway graphs). */
export const MAX_STEPS_PER_ACTIVATION = 200;
const STALE_AFTER_MS = 30_000;

type Contact = { id: string | null; name: string | null; phone: string | null; email: string | null; attributes: Record<string, unknown> };

@Injectable()
export class FlowEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly chains = new Map<string, Promise<void>>();
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
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'flows' });
  }

  /**
   * Handles committed inbound messages (called by the conversations post-commit handler; a
   * throw makes the outbox retry, which is safe). Chats are processed concurrently, the
   * messages of one chat in order.
   */
  async inboundCommitted(p: { messageIds: string[]; newChatIds?: string[] }): Promise<void> {
    const msgs = await this.runs.inbound(p.messageIds);
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
    const message: NodeMessage = { id: msg.id, type: msg.type, text: msg.text };
    const active = await this.runs.activeForChat(msg.chatId);
    if (active) {
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
  matchTrigger(graph: FlowGraph, event: Parameters<NonNullable<NodeDefinition['matches']>>[1]): FlowNode | null {
    for (const node of graph.nodes) {
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
  async advance(run: RunRow, graph: FlowGraph, message: NodeMessage | null, resuming: boolean): Promise<RunRow> {
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
          const ctx = this.context(run, node, contact, message);
          result = resuming && def.resume ? await def.resume(ctx) : await def.execute(ctx);
        } catch (e) {
          result = { output: 'error', vars: { lastError: { code: 'NODE_FAILED', message: e instanceof Error ? e.message : String(e) } } };
        }
      }
      resuming = false;
      for (const ef of result.effects ?? []) {
        if (ef.kind !== 'contact.update') continue;
        const { attributes, ...fields } = ef.fields;
        Object.assign(contact, fields, attributes ? { attributes: { ...contact.attributes, ...attributes } } : {});
        if (run.mode === 'simulation') run.simContact = { ...contact };
      }
      const prevSteps = run.steps;
      const log = this.apply(run, graph, node ?? null, result, started);
      if (run.status === 'running' && run.steps - startSteps >= MAX_STEPS_PER_ACTIVATION) {
        run.status = 'failed';
        run.error = { code: 'STEP_LIMIT', message: `More than ${MAX_STEPS_PER_ACTIVATION} steps without waiting`, nodeId: run.currentNodeId ?? undefined };
      }
      try {
        const sent = await this.runs.commitStep(run, prevSteps, log, result.effects ?? []);
        if (sent.length) {
          for (const m of sent) this.realtime.emit(m.tenantId, 'message_created', { message: toMessageJson(m, (id) => `/api/v1/media/${id}`) });
          this.dispatcher.kick();
        }
      } catch (e) {
        if (e instanceof StaleRunError) return run;
        throw e;
      }
      if (run.status !== 'running') return run;
    }
  }

  /** Applies a node's result to the run in memory; returns the step's log entry. */
  private apply(run: RunRow, graph: FlowGraph, node: FlowNode | null, result: NodeResult, started: number): StepLog {
    run.steps++;
    if (result.vars) run.vars = { ...run.vars, ...result.vars };
    const effects: NodeEffect[] = result.effects ?? [];
    if (run.mode === 'simulation') {
      for (const e of effects) if (e.kind === 'send') run.transcript.push({ from: 'bot', type: 'text', text: e.message.text });
    }
    const log: StepLog = { nodeId: node?.id ?? String(run.currentNodeId), nodeType: node?.type ?? 'unknown', startedAt: started, finishedAt: Date.now(), outcome: 'ok', branch: null };
    const handoff = effects.some((e) => e.kind === 'handoff');
    if (result.wait && !handoff) {
      run.status = 'waiting';
      run.state = result.state ?? {};
      log.outcome = 'waiting';
      return log;
    }
    run.state = {};
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

  private context(run: RunRow, node: FlowNode, contact: Contact, message: NodeMessage | null): NodeContext<any> {
    const scope = { vars: run.vars, contact: contact as unknown as Record<string, unknown>, message: message as unknown as Record<string, unknown> | null };
    return {
      config: node.config,
      nodeId: node.id,
      runId: run.id,
      vars: structuredClone(run.vars),
      contact: structuredClone(contact),
      message: message ? { ...message } : null,
      state: { ...run.state },
      render: (t: string) => render(t, scope),
      runCode: (code: string) => this.sandbox.run(code, { vars: run.vars, contact: contact as unknown as Record<string, unknown>, message: message as unknown as Record<string, unknown> | null }),
      simulation: run.mode === 'simulation',
    };
  }

  /** Continues live runs left `running` by a crash (after STALE_AFTER_MS). */
  async recoverStale(): Promise<number> {
    let n = 0;
    for (const run of await this.runs.stale(Date.now() - STALE_AFTER_MS)) {
      if (!run.chatId || !(await this.runs.claim(run))) continue;
      n++;
      await this.serial(run.chatId, async () => {
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
