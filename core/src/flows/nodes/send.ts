/** Rich message nodes: media, WhatsApp templates, reply buttons / lists. */
import { defineNode, type NodeContext, type NodeResult } from '@parley/sdk';

/** Renders every string leaf of `v` (objects and arrays are copied). */
export function renderDeep(v: unknown, render: (t: string) => string, depth = 0): unknown {
  if (depth > 20) return null;
  if (typeof v === 'string') return render(v);
  if (Array.isArray(v)) return v.map((x) => renderDeep(x, render, depth + 1));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderDeep(x, render, depth + 1)]));
  return v;
}

const fail = (code: string, message: string): NodeResult => ({ output: 'error', vars: { lastError: { code, message } } });

export const sendMedia = defineNode<{ mediaType: 'image' | 'video' | 'audio' | 'document'; url: string; caption?: string; filename?: string }>({
  type: 'send.media',
  version: 1,
  label: 'Send media',
  category: 'message',
  description: 'Sends an image, video, audio or document from a public https URL (a template, e.g. `{{vars.invoiceUrl}}`), with an optional caption and file name.',
  configSchema: {
    type: 'object',
    properties: {
      mediaType: { type: 'string', enum: ['image', 'video', 'audio', 'document'] },
      url: { type: 'string', minLength: 1, maxLength: 2000 },
      caption: { type: 'string', maxLength: 1024 },
      filename: { type: 'string', maxLength: 240 },
    },
    required: ['mediaType', 'url'],
    additionalProperties: false,
  },
  defaults: { mediaType: 'image', url: 'https://' },
  outputs: ['out', 'error'],
  execute: (ctx) => {
    const url = ctx.render(ctx.config.url).trim();
    if (!/^https?:\/\/[^\s]+$/i.test(url)) return fail('INVALID_URL', `Not an http(s) URL: ${url.slice(0, 200)}`);
    const caption = ctx.config.caption ? ctx.render(ctx.config.caption).trim().slice(0, 1024) : undefined;
    const filename = ctx.config.filename ? ctx.render(ctx.config.filename).trim().slice(0, 240) : undefined;
    return {
      output: 'out',
      effects: [{ kind: 'send', message: { type: ctx.config.mediaType, url, ...(caption ? { caption } : {}), ...(filename ? { filename } : {}) } }],
    };
  },
});

export const sendTemplate = defineNode<{ name: string; language: string; components?: unknown[] }>({
  type: 'send.template',
  version: 1,
  label: 'Send template',
  category: 'message',
  description:
    'Sends an approved message template (WhatsApp format: `name`, `language` like `en_US`, `components` with parameters; string values are templates). Templates may be sent outside the 24-hour window.',
  configSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9_]{1,512}$' },
      language: { type: 'string', pattern: '^[a-z]{2,3}(_[A-Z]{2})?$' },
      components: { type: 'array', items: { type: 'object' }, maxItems: 20 },
    },
    required: ['name', 'language'],
    additionalProperties: false,
  },
  defaults: { name: 'hello_world', language: 'en_US' },
  outputs: ['out'],
  execute: (ctx) => ({
    output: 'out',
    effects: [
      {
        kind: 'send',
        message: {
          type: 'template',
          template: { name: ctx.config.name, language: ctx.config.language, ...(ctx.config.components ? { components: renderDeep(ctx.config.components, ctx.render) as unknown[] } : {}) },
        },
      },
    ],
  }),
});

interface ButtonsConfig {
  text: string;
  kind: 'buttons' | 'list';
  options: { id: string; title: string; description?: string }[];
  /** List messages: the button that opens the list. */
  buttonText?: string;
  header?: string;
  footer?: string;
  /** When set, waits for the reply and stores the chosen option's id in `vars[variable]`. */
  variable?: string;
  retries?: number;
}

/** The option the reply chose (by id or title, case-insensitive), or undefined. */
export function chosenOption(options: ButtonsConfig['options'], text: string | null | undefined) {
  const t = (text ?? '').trim().toLowerCase();
  if (!t) return undefined;
  return options.find((o) => o.id.toLowerCase() === t || o.title.trim().toLowerCase() === t) ?? options[Number(t) - 1];
}

const buttonsMessage = (ctx: NodeContext<ButtonsConfig>) => {
  const c = ctx.config;
  const opts = c.options.map((o) => ({ id: o.id, title: ctx.render(o.title).slice(0, c.kind === 'buttons' ? 20 : 24), ...(o.description ? { description: ctx.render(o.description).slice(0, 72) } : {}) }));
  return {
    kind: 'send' as const,
    message: {
      type: 'interactive' as const,
      interactive: {
        kind: c.kind,
        body: ctx.render(c.text).slice(0, 1024),
        ...(c.header ? { header: ctx.render(c.header).slice(0, 60) } : {}),
        ...(c.footer ? { footer: ctx.render(c.footer).slice(0, 60) } : {}),
        ...(c.kind === 'buttons'
          ? { buttons: opts.map(({ id, title }) => ({ id, title })) }
          : { buttonText: (c.buttonText ? ctx.render(c.buttonText) : 'Options').slice(0, 20), sections: [{ rows: opts }] }),
      },
    },
  };
};

export const sendButtons = defineNode<ButtonsConfig>({
  type: 'send.buttons',
  version: 1,
  label: 'Buttons / list',
  category: 'message',
  description:
    'Sends reply buttons (up to 3) or a list (up to 10 rows). With `variable`, waits for the reply: the chosen option\'s id (matched by id, title or number) goes to `vars[variable]` and `out` is followed (a `logic.switch` can branch on it); other answers re-send the options `retries` times (default 1), then `invalid`.',
  configSchema: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, maxLength: 1024 },
      kind: { type: 'string', enum: ['buttons', 'list'] },
      options: {
        type: 'array',
        minItems: 1,
        maxItems: 10,
        items: {
          type: 'object',
          properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, title: { type: 'string', minLength: 1, maxLength: 24 }, description: { type: 'string', maxLength: 72 } },
          required: ['id', 'title'],
          additionalProperties: false,
        },
      },
      buttonText: { type: 'string', minLength: 1, maxLength: 20 },
      header: { type: 'string', maxLength: 60 },
      footer: { type: 'string', maxLength: 60 },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      retries: { type: 'integer', minimum: 0, maximum: 10 },
    },
    required: ['text', 'kind', 'options'],
    additionalProperties: false,
  },
  defaults: { text: 'Choose one', kind: 'buttons', options: [{ id: 'yes', title: 'Yes' }, { id: 'no', title: 'No' }], variable: 'choice' },
  outputs: ['out', 'invalid'],
  waits: true,
  validate: (c) => {
    const errors: string[] = [];
    if (c.kind === 'buttons' && c.options.length > 3) errors.push('options: reply buttons allow at most 3 options (use kind "list")');
    if (c.kind === 'buttons' && c.options.some((o) => o.title.length > 20)) errors.push('options: button titles are at most 20 characters');
    if (new Set(c.options.map((o) => o.id)).size !== c.options.length) errors.push('options: ids must be unique');
    return errors;
  },
  execute: (ctx): NodeResult => {
    const send = buttonsMessage(ctx);
    if (!ctx.config.variable) return { output: 'out', effects: [send] };
    return { effects: [send], wait: { for: 'message' }, state: { tries: 0 } };
  },
  resume: (ctx): NodeResult => {
    const chosen = chosenOption(ctx.config.options, ctx.message?.text);
    if (chosen) return { output: 'out', vars: { [ctx.config.variable!]: chosen.id } };
    const tries = Number(ctx.state.tries ?? 0) + 1;
    if (tries > (ctx.config.retries ?? 1)) return { output: 'invalid', vars: { [ctx.config.variable!]: ctx.message?.text ?? null } };
    return { effects: [buttonsMessage(ctx)], wait: { for: 'message' }, state: { tries } };
  },
});
