/** Contact and chat actions: tags, handoff to a human, JavaScript code. */
import { defineNode } from '@parley/sdk';
import { errorResult } from './logic.js';

export const contactTag = defineNode<{ action: 'add' | 'remove'; tags: string[] }>({
  type: 'contact.tag',
  version: 1,
  label: 'Add / remove tag',
  category: 'contact',
  description: "Adds or removes tags on the contact's chat (tags are templates).",
  configSchema: {
    type: 'object',
    properties: { action: { type: 'string', enum: ['add', 'remove'] }, tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, minItems: 1, maxItems: 20 } },
    required: ['action', 'tags'],
    additionalProperties: false,
  },
  defaults: { action: 'add', tags: [] },
  outputs: ['out'],
  execute: (ctx) => {
    const tags = ctx.config.tags.map((t) => ctx.render(t).trim()).filter(Boolean);
    return { output: 'out', effects: [ctx.config.action === 'add' ? { kind: 'tag', add: tags } : { kind: 'tag', remove: tags }] };
  },
});

export const chatHandoff = defineNode<{ assigneeId?: string; message?: string }>({
  type: 'chat.handoff',
  version: 1,
  label: 'Hand off to a human',
  category: 'chat',
  description: 'Optionally sends `message`, assigns the chat (when `assigneeId` is set) and stops the bot in this chat until an agent resumes it.',
  configSchema: {
    type: 'object',
    properties: { assigneeId: { type: 'string', minLength: 1, maxLength: 36 }, message: { type: 'string', minLength: 1, maxLength: 4096 } },
    additionalProperties: false,
  },
  outputs: [],
  execute: (ctx) => ({
    end: true,
    effects: [
      ...(ctx.config.message ? [{ kind: 'send' as const, message: { type: 'text' as const, text: ctx.render(ctx.config.message) } }] : []),
      { kind: 'handoff', assigneeId: ctx.config.assigneeId ?? null },
    ],
  }),
});

export const codeJavascript = defineNode<{ code: string; resultVariable?: string }>({
  type: 'code.javascript',
  version: 1,
  label: 'JavaScript',
  category: 'code',
  description:
    "Runs `code` as an async function body in an isolated sandbox (32 MB, 1 s); `vars`, `contact` and `message` are readable copies. The JSON-serialisable `return` value goes to `vars[resultVariable]`. Failures take `error` (with `vars.lastError`) or fail the run.",
  configSchema: {
    type: 'object',
    properties: { code: { type: 'string', minLength: 1, maxLength: 20000 }, resultVariable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' } },
    required: ['code'],
    additionalProperties: false,
  },
  defaults: { code: 'return vars;', resultVariable: 'result' },
  outputs: ['out', 'error'],
  execute: async (ctx) => {
    try {
      const result = await ctx.runCode(ctx.config.code);
      return { output: 'out', vars: ctx.config.resultVariable ? { [ctx.config.resultVariable]: result } : {} };
    } catch (e) {
      return errorResult(e);
    }
  },
});
