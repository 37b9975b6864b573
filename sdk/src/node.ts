/**
 * The flow-node contract: what a node type (built into core, or added by a plugin as
 * `<pluginId>.<name>`) declares and implements. Descriptors are plain data (served by
 * `GET /api/v1/flow-node-types` so the builder renders any node's form generically);
 * `execute` computes a result from copied values and never touches the database: the engine
 * applies the returned effects atomically with the run's step commit.
 *
 * Plugin nodes' `execute` / `resume` run in Parley's sandbox (an isolated-vm isolate, 32 MB and
 * 1 s of CPU per execution by default), from a bundle of the plugin's code: no Node built-ins,
 * no timers, no globals beyond standard JavaScript; only `ctx`. See docs/plugins.md "Flow nodes".
 */
import type { JsonSchema } from './channel.js';

/** Builder palette groups. */
export type NodeCategory = 'trigger' | 'message' | 'input' | 'logic' | 'data' | 'contact' | 'chat' | 'integration' | 'code' | 'time' | 'flow';

/** The public, serialisable part of a node type. */
export interface NodeDescriptor {
  /** Stable namespaced id: `send.text`, or `<pluginId>.<name>` for plugin nodes. */
  type: string;
  /** Bumped when the config shape changes incompatibly. */
  version: number;
  label: string;
  category: NodeCategory;
  description: string;
  /** JSON Schema of the node's `config` (objects, strings, numbers, arrays, enums...). */
  configSchema: JsonSchema;
  /** Named output handles; the default one is `out`. */
  outputs: string[];
  /** Outputs that must be connected for the flow to be valid (e.g. `true`/`false`). */
  requiredOutputs?: string[];
  /** Default config the builder fills in for a new node. */
  defaults?: Record<string, unknown>;
  /** True for trigger nodes (entry points; they have no inputs). */
  trigger?: boolean;
  /** True when the node may pause the run (waits for input or time); cycles need one. */
  waits?: boolean;
}

/** The contact as a node sees it (a copy). */
export interface NodeContact {
  id: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  attributes: Record<string, unknown>;
}

/** The inbound message that triggered or resumed the run (a copy), if any. */
export interface NodeMessage {
  id: string | null;
  type: string;
  text: string | null;
}

/** A message a node sends (queued like an agent's reply; the channel plugin delivers it). */
export type NodeOutMessage =
  | { type: 'text'; text: string }
  | { type: 'image' | 'video' | 'audio' | 'document'; url: string; caption?: string; filename?: string }
  | { type: 'template'; template: { name: string; language: string; components?: unknown[] } }
  | {
      type: 'interactive';
      interactive: {
        kind: 'buttons' | 'list';
        body: string;
        header?: string;
        footer?: string;
        buttons?: { id: string; title: string }[];
        buttonText?: string;
        sections?: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
      };
    };

/** How `chat.assign` picks the agent. */
export type AssignStrategy = 'user' | 'round_robin' | 'least_busy';

/** What a node asks the host to do; applied in the same transaction as the step. */
export type NodeEffect =
  | { kind: 'send'; message: NodeOutMessage }
  | { kind: 'tag'; add?: string[]; remove?: string[] }
  | { kind: 'handoff'; assigneeId?: string | null; note?: string }
  | { kind: 'contact.update'; fields: { name?: string; email?: string; attributes?: Record<string, unknown> } }
  /** Assigns the chat: a given user, or one of the tenant's agents (optionally of a team / role). */
  | { kind: 'assign'; strategy: AssignStrategy; userId?: string; candidates?: string[]; role?: 'agent' | 'admin' | 'owner' | 'any' };

/** An HTTP request made by the host for a node (allow-list, private addresses blocked, time limit). */
export interface NodeHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Time limit (ms), capped by the host's setting. */
  timeoutMs?: number;
}

export interface NodeHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else text (bounded size). */
  body: unknown;
}

/** Values and helpers handed to `execute` / `resume`. */
export interface NodeContext<Config> {
  /** The node's config (validated against `configSchema`). */
  config: Config;
  nodeId: string;
  runId: string;
  /** The run's variables (a copy; return changes in `result.vars`). */
  vars: Record<string, unknown>;
  contact: NodeContact;
  message: NodeMessage | null;
  /** Per-node state kept across a wait (e.g. retry count); replaced by `result.state`. */
  state: Record<string, unknown>;
  /** Replaces `{{contact.name}}`, `{{vars.x}}`, `{{message.text}}` placeholders. */
  render(template: string): string;
  /** Runs JavaScript in the host's sandbox (isolate with memory and time limits). Not available to plugin nodes (rejects). */
  runCode(code: string): Promise<unknown>;
  /** True in `POST /flows/:id/simulate`: effects go to the transcript only. */
  simulation: boolean;
  /** Why `resume` was called: the chat's next message, or the wait's time (delay / timeout). */
  wake?: 'message' | 'time';
  /** Epoch ms of this step. */
  now: number;
  /**
   * HTTP through the host: allow-listed hosts only, private and loopback addresses blocked
   * unless configured, bounded time and size. @throws Error with `code` (`HTTP_BLOCKED`,
   * `HTTP_TIMEOUT`, `HTTP_FAILED`) on failure (non-2xx answers are returned, not thrown).
   */
  http(req: NodeHttpRequest): Promise<NodeHttpResponse>;
  /** A platform setting granted to the node's plugin (`setting:<NAME>` permission), or undefined. */
  setting?(name: string): string | undefined;
  /**
   * Plugin nodes: a log line for the host's log (tagged with the plugin and node type); at most
   * 20 per execution, `message` cut at 500 characters, `fields` dropped beyond 2,000 characters
   * of JSON. Absent for built-in nodes.
   */
  log?(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

/** What a node decides. */
export interface NodeResult {
  /** Output handle to follow; no edge (or no output) ends the run. */
  output?: string;
  /** Variables to set (merged into the run's variables). */
  vars?: Record<string, unknown>;
  effects?: NodeEffect[];
  /**
   * Pause here: `message` until the chat's next inbound message (with `timeoutMs`, `resume` is
   * called with `wake: 'time'` when nothing arrived in time); `time` until epoch ms `at`
   * (messages meanwhile are ignored). Then `resume` is called.
   */
  wait?: { for: 'message'; timeoutMs?: number } | { for: 'time'; at: number };
  /** Continue in another flow (its published version, from its trigger's `out`). */
  goto?: { flowId: string };
  /** New per-node state (kept while waiting). */
  state?: Record<string, unknown>;
  /** Ends the run as `completed` (or `handed_off` when a handoff effect was returned). */
  end?: boolean;
}

/** An event offered to trigger nodes. */
export type TriggerEvent =
  | {
      kind: 'message';
      message: NodeMessage;
      /** True when this message created the chat. */
      newChat: boolean;
      channelId: string | null;
    }
  /** `trigger.schedule`: its own job fired (matched by node id). */
  | { kind: 'schedule'; nodeId: string }
  /** `trigger.webhook`: `POST /webhooks/flows/:flowId` with the flow's secret. */
  | { kind: 'webhook'; secret: string | null; body: unknown };

/** A full node type: descriptor plus behaviour. */
export interface NodeDefinition<Config = any> extends NodeDescriptor {
  /** Checks beyond the JSON Schema (e.g. a cron expression); messages become INVALID_CONFIG errors. */
  validate?(config: Config): string[];
  /** Trigger nodes: whether `event` starts the flow. */
  matches?(config: Config, event: TriggerEvent): boolean;
  execute(ctx: NodeContext<Config>): NodeResult | Promise<NodeResult>;
  /** Waiting nodes: called with the resuming inbound message in `ctx.message`. */
  resume?(ctx: NodeContext<Config>): NodeResult | Promise<NodeResult>;
}

/**
 * Declares a node type. Plugin nodes must be namespaced `<pluginId>.<name>` (lower-case
 * letters, digits, `_` and `-`). For plugin nodes the host reads the metadata and `validate`
 * (keep it pure) at load; `execute` / `resume` run only in the sandbox.
 * @throws Error for a malformed type, empty output names or a required output that is not an output.
 */
export function defineNode<Config = any>(def: NodeDefinition<Config>): NodeDefinition<Config> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$/.test(def.type)) throw new Error(`Invalid node type "${def.type}": use <namespace>.<name>`);
  if (!def.outputs.every((o) => typeof o === 'string' && o.length > 0)) throw new Error(`Node type ${def.type}: outputs must be names`);
  for (const r of def.requiredOutputs ?? []) if (!def.outputs.includes(r)) throw new Error(`Node type ${def.type}: required output "${r}" is not an output`);
  return def;
}

/** Node descriptor without behaviour (what the API serves). */
export function describeNode(def: NodeDefinition): NodeDescriptor {
  const { matches: _m, execute: _e, resume: _r, validate: _v, ...descriptor } = def;
  return descriptor;
}
