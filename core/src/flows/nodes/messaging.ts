/** Messaging nodes: send text, ask a question and capture the answer. */
import { defineNode, type NodeResult } from '@parley/sdk';

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

export type CaptureKind = 'text' | 'number' | 'email' | 'phone';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/** Parses an answer; undefined when it is not valid for `capture`. */
export function captureAnswer(capture: CaptureKind, raw: string | null | undefined): string | number | undefined {
  const text = (raw ?? '').trim();
  if (!text) return undefined;
  switch (capture) {
    case 'text':
      return text;
    case 'number': {
      const m = text.replace(/\s/g, '').replace(/,(\d+)$/, '.$1');
      return /^[-+]?\d+(\.\d+)?$/.test(m) ? Number(m) : undefined;
    }
    case 'email':
      return EMAIL.test(text) ? text.toLowerCase() : undefined;
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
    }
  }
}

interface AskConfig {
  question: string;
  capture: CaptureKind;
  variable: string;
  retries?: number;
  retryPrompt?: string;
  /** Seconds to wait for an answer (after each prompt) before taking `timeout`. */
  timeoutSeconds?: number;
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
      capture: { type: 'string', enum: ['text', 'number', 'email', 'phone'] },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      retries: { type: 'integer', minimum: 0, maximum: 10 },
      retryPrompt: { type: 'string', minLength: 1, maxLength: 4096 },
      timeoutSeconds: { type: 'integer', minimum: 1, maximum: 30 * 86400 },
    },
    required: ['question', 'capture', 'variable'],
    additionalProperties: false,
  },
  defaults: { question: '', capture: 'text', variable: 'answer', retries: 2 },
  outputs: ['out', 'invalid', 'timeout'],
  waits: true,
  execute: (ctx): NodeResult => ({
    effects: [{ kind: 'send', message: { type: 'text', text: ctx.render(ctx.config.question) } }],
    wait: askWait(ctx.config),
    state: { tries: 0 },
  }),
  resume: (ctx): NodeResult => {
    if (ctx.wake === 'time') return { output: 'timeout' };
    const value = captureAnswer(ctx.config.capture, ctx.message?.text);
    if (value !== undefined) return { output: 'out', vars: { [ctx.config.variable]: value } };
    const tries = Number(ctx.state.tries ?? 0) + 1;
    if (tries > (ctx.config.retries ?? 2)) return { output: 'invalid' };
    const prompt = ctx.config.retryPrompt ? ctx.render(ctx.config.retryPrompt) : `Sorry, I didn't get that. ${ctx.render(ctx.config.question)}`;
    return { effects: [{ kind: 'send', message: { type: 'text', text: prompt } }], wait: askWait(ctx.config), state: { tries } };
  },
});
