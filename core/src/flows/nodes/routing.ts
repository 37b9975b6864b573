/** Switch, assignment, go to another flow, HTTP request. */
import { defineNode, type AssignStrategy } from '@parley/sdk';
import { evalRule, type ConditionOp } from './logic.js';
import { renderDeep } from './send.js';

export const SWITCH_CASES = 10;
const OPS: ConditionOp[] = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_empty', 'not_empty', 'gt', 'gte', 'lt', 'lte'];

export const logicSwitch = defineNode<{ value: string; cases: { op?: ConditionOp; compare?: string }[] }>({
  type: 'logic.switch',
  version: 1,
  label: 'Switch',
  category: 'logic',
  description: `Renders \`value\` and follows \`case_<n>\` for the first case that matches (op, default \`equals\`, against \`compare\`; both templates), else \`default\`. Up to ${SWITCH_CASES} cases.`,
  configSchema: {
    type: 'object',
    properties: {
      value: { type: 'string', minLength: 1, maxLength: 1000 },
      cases: {
        type: 'array',
        minItems: 1,
        maxItems: SWITCH_CASES,
        items: { type: 'object', properties: { op: { type: 'string', enum: OPS }, compare: { type: 'string', maxLength: 1000 } }, additionalProperties: false },
      },
    },
    required: ['value', 'cases'],
    additionalProperties: false,
  },
  defaults: { value: '{{vars.choice}}', cases: [{ op: 'equals', compare: 'yes' }, { op: 'equals', compare: 'no' }] },
  outputs: [...Array.from({ length: SWITCH_CASES }, (_, i) => `case_${i + 1}`), 'default'],
  execute: (ctx) => {
    const value = ctx.render(ctx.config.value);
    const i = ctx.config.cases.findIndex((c) => evalRule(c.op ?? 'equals', value, ctx.render(c.compare ?? '')));
    return { output: i >= 0 ? `case_${i + 1}` : 'default' };
  },
});

export const chatAssign = defineNode<{ strategy: AssignStrategy; userId?: string; userIds?: string[]; role?: 'agent' | 'admin' | 'owner' | 'any'; message?: string }>({
  type: 'chat.assign',
  version: 1,
  label: 'Assign chat',
  category: 'chat',
  description:
    'Assigns the chat to `userId` (strategy `user`), or to one of the tenant\'s users — the `userIds` list (a team) or everyone with `role` (default `agent`) — by `round_robin` or `least_busy` (fewest open chats). A chat with an assignee is left to humans: the bot stops answering there. Optionally sends `message` first.',
  configSchema: {
    type: 'object',
    properties: {
      strategy: { type: 'string', enum: ['user', 'round_robin', 'least_busy'] },
      userId: { type: 'string', minLength: 1, maxLength: 36 },
      userIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 36 }, minItems: 1, maxItems: 200 },
      role: { type: 'string', enum: ['agent', 'admin', 'owner', 'any'] },
      message: { type: 'string', minLength: 1, maxLength: 4096 },
    },
    required: ['strategy'],
    additionalProperties: false,
  },
  defaults: { strategy: 'round_robin', role: 'agent' },
  outputs: ['out'],
  validate: (c) => (c.strategy === 'user' && !c.userId ? ['userId is required for strategy "user"'] : []),
  execute: (ctx) => ({
    output: 'out',
    effects: [
      ...(ctx.config.message ? [{ kind: 'send' as const, message: { type: 'text' as const, text: ctx.render(ctx.config.message) } }] : []),
      { kind: 'assign', strategy: ctx.config.strategy, userId: ctx.config.userId, candidates: ctx.config.userIds, role: ctx.config.role ?? 'agent' },
    ],
  }),
});

export const flowGoto = defineNode<{ flowId: string }>({
  type: 'flow.goto',
  version: 1,
  label: 'Go to flow',
  category: 'flow',
  description:
    "Continues the run in another flow of the tenant (its published version, from its first trigger's `out`), keeping variables. `error` when that flow does not exist or is not published.",
  configSchema: { type: 'object', properties: { flowId: { type: 'string', minLength: 1, maxLength: 36 } }, required: ['flowId'], additionalProperties: false },
  outputs: ['error'],
  execute: (ctx) => ({ goto: { flowId: ctx.config.flowId } }),
});

interface HttpConfig {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Raw body (a template). */
  body?: string;
  /** JSON body; string leaves are templates. */
  json?: unknown;
  /** Where the response `{status, headers, body}` goes (default `response`). */
  responseVariable?: string;
  /** Extra variables from response paths, e.g. `{orderId: "body.data.id"}`. */
  map?: Record<string, string>;
  timeoutMs?: number;
}

const pathGet = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined), obj);

export const httpRequest = defineNode<HttpConfig>({
  type: 'http.request',
  version: 1,
  label: 'HTTP request',
  category: 'integration',
  description:
    'Calls an HTTP API through the host (allow-listed hosts only; private and loopback addresses blocked unless configured; 10 s and 1 MiB limits). URL, headers and body are templates. The response `{status, headers, body}` goes to `vars[responseVariable]` and `map` copies paths of it into variables. Blocked requests, network errors, time-outs and non-2xx answers take `error` (`vars.lastError.code`: HTTP_BLOCKED, HTTP_FAILED, HTTP_TIMEOUT, HTTP_TOO_LARGE, HTTP_STATUS).',
  configSchema: {
    type: 'object',
    properties: {
      method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      url: { type: 'string', minLength: 1, maxLength: 2000 },
      headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 4000 } },
      body: { type: 'string', maxLength: 100000 },
      json: {},
      responseVariable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      map: { type: 'object', additionalProperties: { type: 'string', maxLength: 200 } },
      timeoutMs: { type: 'integer', minimum: 100, maximum: 30000 },
    },
    required: ['method', 'url'],
    additionalProperties: false,
  },
  defaults: { method: 'GET', url: 'https://', responseVariable: 'response' },
  outputs: ['out', 'error'],
  validate: (c) => {
    const errors: string[] = [];
    if (c.body !== undefined && c.json !== undefined) errors.push('give body or json, not both');
    for (const k of Object.keys(c.map ?? {})) if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k)) errors.push(`map: ${k} is not a variable name`);
    return errors;
  },
  execute: async (ctx) => {
    const c = ctx.config;
    const headers = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k, ctx.render(v)]));
    const body = c.json !== undefined ? renderDeep(c.json, ctx.render) : c.body !== undefined ? ctx.render(c.body) : undefined;
    let res;
    try {
      res = await ctx.http({ method: c.method, url: ctx.render(c.url).trim(), headers, body, timeoutMs: c.timeoutMs });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { output: 'error', vars: { lastError: { code: err.code ?? 'HTTP_FAILED', message: String(err.message ?? e) } } };
    }
    const response = { status: res.status, headers: res.headers, body: res.body };
    const vars: Record<string, unknown> = { [c.responseVariable ?? 'response']: response };
    for (const [v, path] of Object.entries(c.map ?? {})) vars[v] = pathGet(response, path) ?? null;
    if (res.status < 200 || res.status > 299) return { output: 'error', vars: { ...vars, lastError: { code: 'HTTP_STATUS', message: `HTTP ${res.status}`, status: res.status } } };
    return { output: 'out', vars };
  },
});
