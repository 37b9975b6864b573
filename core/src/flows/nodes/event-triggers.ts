/**
 * Triggers beyond messages, schedules and webhooks: a regular expression on the inbound text,
 * chat and contact changes (published by {@link FlowDomainEvents}), and API calls
 * (`POST /api/v1/flows/:id/runs`).
 */
import { defineNode, type TriggerEvent } from '@parley/sdk';
import safeRegex from 'safe-regex2';
import type { FlowDomainEvent } from '../domain-events.js';

/** Trigger events of core beyond the SDK's (`message`, `schedule`, `webhook`). */
export type CoreTriggerEvent = TriggerEvent | FlowDomainEvent | { kind: 'api' };
const asCore = (e: TriggerEvent) => e as unknown as CoreTriggerEvent;

const channelIds = { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Only these channels (empty: all)' };
const onChannel = (ids: string[] | undefined, channelId: string | null) => !ids?.length || (channelId !== null && ids.includes(channelId));

/** Longest pattern accepted by `trigger.regex`. */
export const REGEX_MAX_PATTERN = 200;
/** Only the first characters of a message are matched against a `trigger.regex` pattern. */
export const REGEX_MAX_INPUT = 1000;
const FLAGS = /^[imsu]*$/;

/**
 * Why a `trigger.regex` pattern is refused (empty when fine): longer than 200 characters, flags
 * other than `i m s u`, not a valid JavaScript pattern, backreferences, or nested quantifiers
 * (star height > 1, e.g. `(a+)+`, found by safe-regex2) — the shapes that backtrack
 * catastrophically.
 */
export function regexErrors(pattern: string, flags = ''): string[] {
  if (pattern.length > REGEX_MAX_PATTERN) return [`pattern: at most ${REGEX_MAX_PATTERN} characters`];
  if (!FLAGS.test(flags) || new Set(flags).size !== flags.length) return ['flags: only i, m, s and u, each once'];
  try {
    new RegExp(pattern, flags);
  } catch (e) {
    return [`pattern: ${(e as Error).message}`];
  }
  if (/\\[1-9]|\\k</.test(pattern)) return ['pattern: backreferences are not allowed'];
  if (!safeRegex(pattern)) return ['pattern: nested quantifiers (like (a+)+) can take exponential time; rewrite it'];
  if (repeatedAlternation(pattern)) return ['pattern: a repeated group with alternatives (like (a|ab)*) can take exponential time; rewrite it'];
  return [];
}

/**
 * True when a group with alternatives is repeated without a small bound (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 10): `(a|a)*b` backtracks exponentially and safe-regex2 does not see it.
 */
export function repeatedAlternation(pattern: string): boolean {
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === '|' && stack.length) stack[stack.length - 1] = true;
    else if (c === ')') {
      const alt = stack.pop();
      const rest = pattern.slice(i + 1);
      const q = /^(?:[*+]|\{(\d+),(\d*)\})/.exec(rest);
      if (alt && q && (q[0] === '*' || q[0] === '+' || q[2] === '' || Number(q[2]) > 10)) return true;
      if (alt && stack.length) stack[stack.length - 1] = true; // the enclosing group contains alternatives too
    }
  }
  return false;
}

const compiled = new Map<string, RegExp | null>();
/** The compiled pattern (cached), or null when it is refused. */
export function compileRegex(pattern: string, flags = ''): RegExp | null {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    re = regexErrors(pattern, flags).length ? null : new RegExp(pattern, flags);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/** A match slower than this disables the pattern in this process (a circuit breaker: V8 cannot interrupt a running match). */
export const REGEX_SLOW_MS = 50;

const regexMatch = (c: { pattern: string; flags?: string }, text: string | null | undefined) => {
  const re = compileRegex(c.pattern, c.flags ?? '');
  if (!re || !text) return null;
  const t0 = performance.now();
  const m = re.exec(text.slice(0, REGEX_MAX_INPUT));
  if (performance.now() - t0 > REGEX_SLOW_MS) compiled.set(`${c.flags ?? ''}/${c.pattern}`, null);
  return m;
};

export const triggerRegex = defineNode<{ pattern: string; flags?: string; channelIds?: string[] }>({
  type: 'trigger.regex',
  version: 1,
  label: 'Regular expression',
  category: 'trigger',
  description:
    'Starts the flow when the inbound text (its first 1,000 characters) matches the JavaScript regular expression; `vars.match` holds the match and its groups, `vars.matchGroups` the named groups. Patterns with nested quantifiers or backreferences are refused.',
  configSchema: {
    type: 'object',
    properties: { pattern: { type: 'string', minLength: 1, maxLength: REGEX_MAX_PATTERN }, flags: { type: 'string', pattern: '^[imsu]{0,4}$' }, channelIds },
    required: ['pattern'],
    additionalProperties: false,
  },
  defaults: { pattern: '', flags: 'i' },
  outputs: ['out'],
  trigger: true,
  validate: (c) => regexErrors(c.pattern, c.flags ?? ''),
  matches: (config, event) => event.kind === 'message' && onChannel(config.channelIds, event.channelId) && !!regexMatch(config, event.message.text),
  execute: (ctx) => {
    const m = regexMatch(ctx.config, ctx.message?.text);
    return { output: 'out', vars: m ? { match: [...m].map((g) => g ?? null), matchGroups: { ...(m.groups ?? {}) } } : {} };
  },
});

export const triggerChatAssigned = defineNode<{ assigneeIds?: string[]; channelIds?: string[] }>({
  type: 'trigger.chat_assigned',
  version: 1,
  label: 'Chat assigned',
  category: 'trigger',
  description:
    'Starts the flow in a chat when a user (or the API) assigns it — to anyone, or to one of `assigneeIds`. Runs also though the chat now has an assignee; `vars.event` = `{kind, assigneeId, previousAssigneeId, actorId}`.',
  configSchema: { type: 'object', properties: { assigneeIds: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 100 }, channelIds }, additionalProperties: false },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => {
    const e = asCore(event);
    return e.kind === 'chat_assigned' && onChannel(config.channelIds, e.channelId) && (!config.assigneeIds?.length || config.assigneeIds.includes(e.assigneeId));
  },
  execute: () => ({ output: 'out' }),
});

const STATUSES = ['open', 'pending', 'resolved'];
export const triggerStatusChanged = defineNode<{ from?: string[]; to?: string[]; channelIds?: string[] }>({
  type: 'trigger.status_changed',
  version: 1,
  label: 'Chat status changed',
  category: 'trigger',
  description: 'Starts the flow in a chat whose status changes (optionally only from / to some statuses); `vars.event` = `{kind, from, to, actorId}`.',
  configSchema: {
    type: 'object',
    properties: { from: { type: 'array', items: { type: 'string', enum: STATUSES } }, to: { type: 'array', items: { type: 'string', enum: STATUSES } }, channelIds },
    additionalProperties: false,
  },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => {
    const e = asCore(event);
    return e.kind === 'status_changed' && onChannel(config.channelIds, e.channelId) && (!config.from?.length || config.from.includes(e.from)) && (!config.to?.length || config.to.includes(e.to));
  },
  execute: () => ({ output: 'out' }),
});

export const triggerTagAdded = defineNode<{ tags?: string[]; channelIds?: string[] }>({
  type: 'trigger.tag_added',
  version: 1,
  label: 'Tag added',
  category: 'trigger',
  description: 'Starts the flow in a chat when a user adds a tag to it (any tag, or one of `tags`, case-insensitive); `vars.event` = `{kind, tags, actorId}`.',
  configSchema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 50 }, channelIds }, additionalProperties: false },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => {
    const e = asCore(event);
    if (e.kind !== 'tag_added' || !onChannel(config.channelIds, e.channelId)) return false;
    const want = new Set((config.tags ?? []).map((t) => t.toLowerCase()));
    return !want.size || e.tags.some((t) => want.has(t.toLowerCase()));
  },
  execute: () => ({ output: 'out' }),
});

export const triggerContactFieldChanged = defineNode<{ fields?: string[] }>({
  type: 'trigger.contact_field_changed',
  version: 1,
  label: 'Contact field changed',
  category: 'trigger',
  description:
    "Starts the flow when a user changes a contact's `name`, `phone`, `email` or `attributes.<key>` (any, or one of `fields`); it runs in the contact's most recent chat (without a chat when there is none). `vars.event` = `{kind, fields, actorId}`.",
  configSchema: {
    type: 'object',
    properties: { fields: { type: 'array', items: { type: 'string', pattern: '^(name|phone|email|attributes\\.[A-Za-z0-9_.-]{1,64})$' }, maxItems: 50 } },
    additionalProperties: false,
  },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => {
    const e = asCore(event);
    return e.kind === 'contact_field_changed' && (!config.fields?.length || e.fields.some((f) => config.fields!.includes(f)));
  },
  execute: () => ({ output: 'out' }),
});

export const triggerApi = defineNode<Record<string, never>>({
  type: 'trigger.api',
  version: 1,
  label: 'API call',
  category: 'trigger',
  description: '`POST /api/v1/flows/:id/runs` `{chatId? | contactId?, vars?}` (bearer token, owner/admin) starts a run; `vars` are the run\'s initial variables.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  outputs: ['out'],
  trigger: true,
  matches: (_config, event) => asCore(event).kind === 'api',
  execute: () => ({ output: 'out' }),
});

export const EVENT_TRIGGERS = [triggerRegex, triggerChatAssigned, triggerStatusChanged, triggerTagAdded, triggerContactFieldChanged, triggerApi];
