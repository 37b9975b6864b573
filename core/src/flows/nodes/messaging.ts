/** Messaging nodes: send text, ask a question and capture the answer. */
import { defineNode, type NodeContext, type NodeResult } from '@parley/sdk';
import type { FlowMessage } from '../flow-message.js';
import { CAPTURE_KINDS, captureAnswer, type CaptureKind, type ChoiceOption } from './capture.js';

export const sendText = defineNode<{ text: string }>({
  type: 'send.text',
  version: 1,
  label: 'Send text',
  category: 'message',
  description: 'Sends a text message; `{{contact.name}}`, `{{vars.x}}` and `{{message.text}}` are replaced.',
  configSchema: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 4096 } }, required: ['text'], additionalProperties: false },
  defaults: { text: '' },
  outputs: ['out'],
  execute: (ctx) => {
    const text = ctx.render(ctx.config.text).trim();
    return { output: 'out', effects: text ? [{ kind: 'send', message: { type: 'text', text: text.slice(0, 4096) } }] : [] };
  },
});

export { captureAnswer, type CaptureKind } from './capture.js';

interface AskConfig {
  question: string;
  capture: CaptureKind;
  variable: string;
  retries?: number;
  retryPrompt?: string;
  /** Seconds to wait for an answer (after each prompt) before taking `timeout`. */
  timeoutSeconds?: number;
  /** `choice`: the options (≤ 20); the chosen option's `value` (default: its title) is stored. */
  options?: ChoiceOption[];
  /** `choice`: append the numbered options to the question (default true). */
  listOptions?: boolean;
  /** `date`: order of numeric dates (default `DMY`). */
  dateOrder?: 'DMY' | 'MDY';
  /** `date`: IANA zone for relative dates (default UTC). */
  timezone?: string;
}

/** The question, with the numbered options of a `choice` capture unless `listOptions` is false. */
function questionText(ctx: NodeContext<AskConfig>, text: string): string {
  const c = ctx.config;
  if (c.capture !== 'choice' || c.listOptions === false || !c.options?.length) return text;
  return `${text}\n${c.options.map((o, i) => `${i + 1}. ${ctx.render(o.title)}`).join('\n')}`;
}

const askWait = (c: AskConfig) => ({ for: 'message' as const, ...(c.timeoutSeconds ? { timeoutMs: c.timeoutSeconds * 1000 } : {}) });

export const askQuestion = defineNode<AskConfig>({
  type: 'ask.question',
  version: 1,
  label: 'Ask a question',
  category: 'input',
  description:
    "Sends the question and waits for the chat's next message; a valid answer is stored in `vars[variable]` (out). Invalid answers are re-prompted `retries` times, then the `invalid` branch is taken. With `timeoutSeconds`, no answer in time takes `timeout` (ends the run when not connected).",
  configSchema: {
    type: 'object',
    properties: {
      question: { type: 'string', minLength: 1, maxLength: 4096 },
      capture: { type: 'string', enum: [...CAPTURE_KINDS] },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      retries: { type: 'integer', minimum: 0, maximum: 10 },
      retryPrompt: { type: 'string', minLength: 1, maxLength: 4096 },
      timeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 * 86400 },
      options: {
        type: 'array',
        items: {
          type: 'object',
          properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, value: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['title'],
          additionalProperties: false,
        },
        maxItems: 20,
      },
      listOptions: { type: 'boolean' },
      dateOrder: { type: 'string', enum: ['DMY', 'MDY'] },
      timezone: { type: 'string', minLength: 1, maxLength: 64 },
    },
    required: ['question', 'capture', 'variable'],
    additionalProperties: false,
  },
  defaults: { question: '', capture: 'text', variable: 'answer', retries: 2 },
  outputs: ['out', 'invalid', 'timeout'],
  waits: true,
  validate: (c) => {
    const errors: string[] = [];
    if (c.capture === 'choice' && !c.options?.length) errors.push('options: a choice needs at least one option');
    if (c.timezone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: c.timezone });
      } catch {
        errors.push(`timezone: unknown time zone ${c.timezone}`);
      }
    }
    return errors;
  },
  execute: (ctx): NodeResult => ({
    effects: [{ kind: 'send', message: { type: 'text', text: questionText(ctx, ctx.render(ctx.config.question)) } }],
    wait: askWait(ctx.config),
    state: { tries: 0 },
  }),
  resume: (ctx): NodeResult => {
    if (ctx.wake === 'time') return { output: 'timeout' };
    const c = ctx.config;
    const value = captureAnswer(c.capture, ctx.message as FlowMessage | null, { options: c.options?.map((o) => ({ title: ctx.render(o.title), value: o.value })), dateOrder: c.dateOrder, timezone: c.timezone, now: ctx.now });
    if (value !== undefined) return { output: 'out', vars: { [ctx.config.variable]: value } };
    const tries = Number(ctx.state.tries ?? 0) + 1;
    if (tries > (ctx.config.retries ?? 2)) return { output: 'invalid' };
    const prompt = ctx.config.retryPrompt ? ctx.render(ctx.config.retryPrompt) : `Sorry, I didn't get that. ${questionText(ctx, ctx.render(ctx.config.question))}`;
    return { effects: [{ kind: 'send', message: { type: 'text', text: prompt } }], wait: askWait(ctx.config), state: { tries } };
  },
});
