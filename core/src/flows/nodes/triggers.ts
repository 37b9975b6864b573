/** Trigger nodes: entry points of a flow, matched against inbound events. */
import { defineNode } from '@parley/sdk';

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
  matches: (config, event) => onChannel(config.channelIds, event.channelId),
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
  matches: (config, event) => onChannel(config.channelIds, event.channelId) && !!event.message.text && config.keywords.some((k) => hasWholeWord(event.message.text!, k)),
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
  matches: (config, event) => event.newChat && onChannel(config.channelIds, event.channelId),
  execute: () => ({ output: 'out' }),
});
