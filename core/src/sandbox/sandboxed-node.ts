/**
 * Plugin flow nodes run in the sandbox (DESIGN.md §6, docs/plugins.md "Flow nodes"). The host
 * keeps the node's metadata (type, label, configSchema, outputs, defaults, `validate`) and
 * replaces `execute` / `resume` with a call into the sandbox: the plugin's bundled code runs in
 * an isolate with a plain copy of the context (config, vars, contact, message, state) and the
 * granted settings; `ctx.http` calls come back to the host, are checked (shape, size) and go
 * through the node's scoped host HTTP (`http:<host>` permissions, private addresses blocked).
 * The result is copied out and checked (size by the pool, shape here). Failures become the
 * node's `error` output with `vars.lastError = {code, message}`.
 */
import type { NodeContext, NodeDefinition, NodeHttpRequest, NodeResult } from '@parley/sdk';
import { z } from 'zod';
import type { PluginBundle } from './plugin-bundle.js';
import { isSandboxError } from './sandbox.errors.js';
import type { NodeLogEntry, SandboxPool } from './sandbox.pool.js';

export interface SandboxedNodeOptions {
  bundle: PluginBundle;
  /** Setting names granted by the manifest (`setting:<NAME>`); their values are copied in. */
  settings: string[];
  /** The pool to run in (looked up per execution; undefined → the node fails with `SANDBOX_UNAVAILABLE`). */
  pool: () => Pick<SandboxPool, 'runNode'> | undefined;
  /**
   * The node's scoped host capabilities (NodeRegistry: HTTP limited to the manifest's hosts,
   * granted settings). They take precedence over the engine context's `http` / `setting`.
   */
  capabilities?: Partial<Pick<NodeContext<unknown>, 'http' | 'setting'>>;
  /** Receives the node's `ctx.log` lines. */
  log?(entry: NodeLogEntry & { type: string }): void;
}

const str = (max: number) => z.string().max(max);

const httpRequest = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
    url: str(8192),
    headers: z.record(str(200), str(8192)).refine((h) => Object.keys(h).length <= 50, 'at most 50 headers').optional(),
    body: z.unknown().optional(),
    timeoutMs: z.number().positive().optional(),
  })
  .strict();

const outMessage = z.union([
  z.object({ type: z.literal('text'), text: str(4096).min(1) }).strict(),
  z.object({ type: z.enum(['image', 'video', 'audio', 'document']), url: str(2048).min(1), caption: str(1024).optional(), filename: str(255).optional() }).strict(),
  z.object({ type: z.literal('template'), template: z.object({ name: str(512).min(1), language: str(32).min(1), components: z.array(z.unknown()).max(50).optional() }).strict() }).strict(),
  z
    .object({
      type: z.literal('interactive'),
      interactive: z
        .object({
          kind: z.enum(['buttons', 'list']),
          body: str(4096).min(1),
          header: str(1024).optional(),
          footer: str(1024).optional(),
          buttons: z.array(z.object({ id: str(256).min(1), title: str(256).min(1) }).strict()).max(10).optional(),
          buttonText: str(256).optional(),
          sections: z
            .array(z.object({ title: str(256).optional(), rows: z.array(z.object({ id: str(256).min(1), title: str(256).min(1), description: str(1024).optional() }).strict()).max(10) }).strict())
            .max(10)
            .optional(),
        })
        .strict(),
    })
    .strict(),
]);

const ids = z.array(str(256)).max(100);
const effect = z.union([
  z.object({ kind: z.literal('send'), message: outMessage }).strict(),
  z.object({ kind: z.literal('tag'), add: ids.optional(), remove: ids.optional() }).strict(),
  z.object({ kind: z.literal('handoff'), assigneeId: str(64).nullable().optional(), note: str(2000).optional() }).strict(),
  z.object({ kind: z.literal('contact.update'), fields: z.object({ name: str(255).optional(), email: str(255).optional(), attributes: z.record(str(100), z.unknown()).optional() }).strict() }).strict(),
  z
    .object({ kind: z.literal('assign'), strategy: z.enum(['user', 'round_robin', 'least_busy']), userId: str(64).optional(), candidates: ids.optional(), role: z.enum(['agent', 'admin', 'owner', 'any']).optional() })
    .strict(),
]);

const record = z.record(str(200), z.unknown()).refine((r) => Object.keys(r).length <= 200, 'at most 200 keys');

/** The schema a plugin node's result must satisfy (outputs and waiting depend on the node). */
export function nodeResultSchema(def: Pick<NodeDefinition, 'outputs' | 'waits'>) {
  return z
    .object({
      output: z.string().refine((o) => def.outputs.includes(o), { message: `must be one of the node's outputs (${def.outputs.join(', ')})` }).optional(),
      vars: record.optional(),
      effects: z.array(effect).max(20).optional(),
      wait: def.waits
        ? z.union([z.object({ for: z.literal('message'), timeoutMs: z.number().int().positive().optional() }).strict(), z.object({ for: z.literal('time'), at: z.number().int().positive() }).strict()]).optional()
        : z.never({ message: 'only nodes with waits: true may wait' }).optional(),
      goto: z.object({ flowId: str(64).min(1) }).strict().optional(),
      state: record.optional(),
      end: z.boolean().optional(),
    })
    .strict();
}

const failure = (type: string, code: string, message: string): NodeResult => ({ output: 'error', vars: { lastError: { code, message: `${type}: ${message}` } } });

/**
 * Wraps plugin node `def` so that its `execute` / `resume` run in the sandbox from
 * `opts.bundle`; everything else is kept (a trigger's `matches` is dropped: plugin nodes cannot
 * be triggers). Execution never throws: failures return `{output: 'error', vars: {lastError}}`
 * with codes `SANDBOX_*`, `NODE_RESULT_INVALID`.
 */
export function sandboxNode(def: NodeDefinition, opts: SandboxedNodeOptions): NodeDefinition {
  const { execute: _execute, resume, matches: _matches, ...meta } = def;
  const schema = nodeResultSchema(def);

  const run = async (op: 'execute' | 'resume', ctx: NodeContext<unknown>): Promise<NodeResult> => {
    const pool = opts.pool();
    if (!pool) return failure(def.type, 'SANDBOX_UNAVAILABLE', 'the sandbox is not available');
    const http = opts.capabilities?.http ?? ctx.http;
    const setting = opts.capabilities?.setting ?? ctx.setting;
    const settings: Record<string, string> = {};
    for (const name of opts.settings) {
      const v = setting?.(name);
      if (typeof v === 'string') settings[name] = v;
    }
    const onCall = async (callOp: string, args: string): Promise<unknown> => {
      if (callOp !== 'http') throw Object.assign(new Error(`Unknown host call ${callOp.slice(0, 50)}`), { code: 'HOST_CALL_REFUSED' });
      const parsed = httpRequest.safeParse(JSON.parse(args));
      if (!parsed.success) throw Object.assign(new Error(`ctx.http: invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`), { code: 'HTTP_BLOCKED' });
      return http(parsed.data as NodeHttpRequest);
    };
    try {
      const { result, logs } = await pool.runNode(
        opts.bundle,
        {
          pluginId: opts.bundle.pluginId,
          type: def.type,
          op,
          ctx: { config: ctx.config, nodeId: ctx.nodeId, runId: ctx.runId, vars: ctx.vars, contact: ctx.contact, message: ctx.message, state: ctx.state, simulation: ctx.simulation, wake: ctx.wake, now: ctx.now },
          settings,
        },
        onCall,
      );
      for (const l of logs) opts.log?.({ ...l, type: def.type });
      const checked = schema.safeParse(result ?? {});
      if (!checked.success) {
        return failure(def.type, 'NODE_RESULT_INVALID', `invalid result: ${checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
      }
      return checked.data as NodeResult;
    } catch (e) {
      if (isSandboxError(e)) return failure(def.type, e.code, e.message);
      throw e;
    }
  };

  return { ...meta, execute: (ctx) => run('execute', ctx), ...(resume ? { resume: (ctx: NodeContext<unknown>) => run('resume', ctx) } : {}) };
}
