/** Trigger nodes: entry points of a flow, matched against inbound events, schedules and webhooks. */
import { timingSafeEqual } from 'node:crypto';
import { defineNode } from '@parley/sdk';
import { CronExpressionParser } from 'cron-parser';

const channelIds = { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Only these channels (empty: all)' };
const onChannel = (ids: string[] | undefined, channelId: string | null) => !ids?.length || (channelId !== null && ids.includes(channelId));

/** Lower-cases and strips accents so `Olá` matches `ola`. */
export const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** True when `keyword` occurs in `text` as a whole word (case- and accent-insensitive). */
export function hasWholeWord(text: string, keyword: string): boolean {
  const t = fold(text);
  const k = fold(keyword.trim());
  if (!k) return false;
  let from = 0;
  for (;;) {
    const i = t.indexOf(k, from);
    if (i < 0) return false;
    const before = i === 0 ? '' : t[i - 1];
    const after = t[i + k.length] ?? '';
    const isWordChar = (c: string) => /[\p{L}\p{N}_]/u.test(c);
    if (!(before && isWordChar(before)) && !(after && isWordChar(after))) return true;
    from = i + 1;
  }
}

export const triggerMessage = defineNode<{ channelIds?: string[] }>({
  type: 'trigger.message',
  version: 1,
  label: 'Any inbound message',
  category: 'trigger',
  description: 'Starts the flow on any inbound message of a chat without an active bot run.',
  configSchema: { type: 'object', properties: { channelIds }, additionalProperties: false },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => event.kind === 'message' && onChannel(config.channelIds, event.channelId),
  execute: () => ({ output: 'out' }),
});

export const triggerKeyword = defineNode<{ keywords: string[]; channelIds?: string[] }>({
  type: 'trigger.keyword',
  version: 1,
  label: 'Keyword',
  category: 'trigger',
  description: 'Starts the flow when the inbound text contains one of the keywords as a whole word (case-insensitive).',
  configSchema: {
    type: 'object',
    properties: { keywords: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, minItems: 1, maxItems: 100 }, channelIds },
    required: ['keywords'],
    additionalProperties: false,
  },
  defaults: { keywords: [] },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) =>
    event.kind === 'message' && onChannel(config.channelIds, event.channelId) && !!event.message.text && config.keywords.some((k) => hasWholeWord(event.message.text!, k)),
  execute: () => ({ output: 'out' }),
});

export const triggerNewChat = defineNode<{ channelIds?: string[] }>({
  type: 'trigger.new_chat',
  version: 1,
  label: 'New chat',
  category: 'trigger',
  description: "Starts the flow on a new chat's first inbound message.",
  configSchema: { type: 'object', properties: { channelIds }, additionalProperties: false },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => event.kind === 'message' && event.newChat && onChannel(config.channelIds, event.channelId),
  execute: () => ({ output: 'out' }),
});

/** Config of `trigger.schedule`. */
export interface ScheduleConfig {
  /** Cron expression (5 or 6 fields), e.g. `0 9 * * 1-5`. */
  cron?: string;
  /** One-off date-time (ISO 8601). */
  at?: string;
  /** IANA time zone of `cron` (default UTC). */
  timezone?: string;
  /** `none`: one run without a contact; `open_chats`: one run per open, unassigned chat matching the filters. */
  target: 'none' | 'open_chats';
  channelIds?: string[];
  /** Only chats with all of these tags. */
  tags?: string[];
  /** Most chats started per firing (default 500). */
  limit?: number;
}

/** Problems of a schedule config (publish refuses them). */
export function scheduleErrors(c: ScheduleConfig): string[] {
  const errors: string[] = [];
  if (!!c.cron === !!c.at) errors.push('give exactly one of cron and at');
  if (c.timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: c.timezone });
    } catch {
      errors.push(`timezone: unknown time zone ${c.timezone}`);
    }
  }
  if (c.cron) {
    try {
      CronExpressionParser.parse(c.cron, { tz: c.timezone ?? 'UTC' });
    } catch (e) {
      errors.push(`cron: ${(e as Error).message}`);
    }
  }
  if (c.at && Number.isNaN(Date.parse(c.at))) errors.push('at: not a date-time');
  return errors;
}

export const triggerSchedule = defineNode<ScheduleConfig>({
  type: 'trigger.schedule',
  version: 1,
  label: 'Schedule',
  category: 'trigger',
  description:
    'Starts the flow on a cron schedule or once at a date (agenda jobs). Target `none`: one run without a contact (automations: HTTP, code, variables); `open_chats`: one run per open, unassigned chat without an active bot run (optionally of some channels / with all of some tags), up to `limit`.',
  configSchema: {
    type: 'object',
    properties: {
      cron: { type: 'string', minLength: 9, maxLength: 100 },
      at: { type: 'string', minLength: 10, maxLength: 40 },
      timezone: { type: 'string', minLength: 1, maxLength: 64 },
      target: { type: 'string', enum: ['none', 'open_chats'] },
      channelIds,
      tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 20 },
      limit: { type: 'integer', minimum: 1, maximum: 10000 },
    },
    required: ['target'],
    additionalProperties: false,
  },
  defaults: { cron: '0 9 * * 1-5', timezone: 'UTC', target: 'none' },
  outputs: ['out'],
  trigger: true,
  validate: scheduleErrors,
  matches: (_config, event) => event.kind === 'schedule',
  execute: () => ({ output: 'out' }),
});

/** Constant-time comparison of secrets. */
export function sameSecret(a: string, b: string | null): boolean {
  if (b === null) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const triggerWebhook = defineNode<{ secret: string }>({
  type: 'trigger.webhook',
  version: 1,
  label: 'Webhook',
  category: 'trigger',
  description:
    '`POST /webhooks/flows/:flowId` with the secret in the `X-Parley-Flow-Secret` header (or `?secret=`) starts a run without a contact; the JSON body is in `vars.body`. Answers 202 `{runId, status}`.',
  configSchema: {
    type: 'object',
    properties: { secret: { type: 'string', minLength: 16, maxLength: 200 } },
    required: ['secret'],
    additionalProperties: false,
  },
  outputs: ['out'],
  trigger: true,
  matches: (config, event) => event.kind === 'webhook' && sameSecret(config.secret, event.secret),
  execute: () => ({ output: 'out' }),
});
