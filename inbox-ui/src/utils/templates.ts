/**
 * Filling a WhatsApp message template in the composer: its placeholders, a preview, and the
 * `components` of the send request (Graph API "Send message templates": `{type:"header"|"body",
 * parameters:[{type:"text", text, parameter_name?}]}`, fixtures
 * `send_template_named_params_request__meta_docs.json` and `send_template_request_2__meta_docs.json`).
 */
import type { Chat } from '../api/types.js';
import type { MessageTemplate, TemplateComponent } from '../api/templates.js';

const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}_.]+)\s*\}\}/gu;
const MEDIA = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;
export type MediaFormat = (typeof MEDIA)[number];

/** Distinct placeholders of a template text in send order (positional ones by number). */
export function placeholders(text: string | undefined): string[] {
  const seen = [...new Set([...(text ?? '').matchAll(PLACEHOLDER)].map((m) => m[1]))];
  return seen.every((p) => /^\d+$/.test(p)) ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
}

/** What the agent fills and sees of a template. */
export interface TemplateShape {
  header: { format: 'TEXT'; text: string; params: string[] } | { format: MediaFormat } | null;
  body: { text: string; params: string[] };
  footer: string | null;
  buttons: string[];
}

const part = (t: MessageTemplate, type: string): TemplateComponent | undefined => t.components.find((c) => String(c.type).toUpperCase() === type);

export function templateShape(t: MessageTemplate): TemplateShape {
  const h = part(t, 'HEADER');
  const format = String(h?.format ?? 'TEXT').toUpperCase();
  const header: TemplateShape['header'] = !h
    ? null
    : (MEDIA as readonly string[]).includes(format)
      ? { format: format as MediaFormat }
      : format === 'TEXT'
        ? { format: 'TEXT', text: h.text ?? '', params: placeholders(h.text) }
        : null;
  const bodyText = part(t, 'BODY')?.text ?? '';
  return {
    header,
    body: { text: bodyText, params: placeholders(bodyText) },
    footer: part(t, 'FOOTER')?.text ?? null,
    buttons: (part(t, 'BUTTONS')?.buttons ?? []).map((b) => b.text ?? '').filter(Boolean),
  };
}

/** The keys of the values a template needs: `header:<p>`, `header:media` (a link), `body:<p>`. */
export function fieldKeys(s: TemplateShape): string[] {
  const header = !s.header ? [] : s.header.format === 'TEXT' ? s.header.params.map((p) => `header:${p}`) : ['header:media'];
  return [...header, ...s.body.params.map((p) => `body:${p}`)];
}

/** `{{contact.name}}`, `{{contact.firstName}}`, `{{contact.phone}}` in a value, from the chat's contact. */
export function resolveContact(value: string, chat: Pick<Chat, 'contact'>): string {
  const name = chat.contact.name ?? '';
  const vars: Record<string, string> = { 'contact.name': name, 'contact.firstName': name.split(/\s+/)[0] ?? '', 'contact.phone': chat.contact.phone ?? '' };
  return value.replace(PLACEHOLDER, (all, key: string) => (key in vars ? vars[key] : all));
}

/** Initial values: name-like placeholders get the contact's first name, others stay empty. */
export function prefill(s: TemplateShape, chat: Pick<Chat, 'contact'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of fieldKeys(s)) {
    const p = key.slice(key.indexOf(':') + 1).toLowerCase();
    out[key] = chat.contact.name && /^(name|first_?name|customer_?name|contact_?name)$/.test(p) ? resolveContact('{{contact.firstName}}', chat) : '';
  }
  return out;
}

/** A template text with its placeholders replaced by the (resolved) values; empty ones stay `{{p}}`. */
export function fill(text: string, scope: 'header' | 'body', values: Record<string, string>, chat: Pick<Chat, 'contact'>): string {
  return text.replace(PLACEHOLDER, (all, p: string) => {
    const v = resolveContact(values[`${scope}:${p}`] ?? '', chat).trim();
    return v || all;
  });
}

/** Keys whose value is missing (or, for a media header, not an http(s) link). */
export function missingFields(s: TemplateShape, values: Record<string, string>): string[] {
  return fieldKeys(s).filter((k) => {
    const v = (values[k] ?? '').trim();
    return k === 'header:media' ? !/^https?:\/\/\S+$/i.test(v) : !v;
  });
}

/** The `template` of `POST /api/v1/chats/:id/messages` `{type:"template", template}`. */
export function templateMessage(t: MessageTemplate, values: Record<string, string>, chat: Pick<Chat, 'contact'>) {
  const s = templateShape(t);
  const param = (scope: string, p: string) => {
    const text = resolveContact(values[`${scope}:${p}`] ?? '', chat).trim();
    return /^\d+$/.test(p) ? { type: 'text', text } : { type: 'text', parameter_name: p, text };
  };
  const components: Record<string, unknown>[] = [];
  if (s.header?.format === 'TEXT' && s.header.params.length) components.push({ type: 'header', parameters: s.header.params.map((p) => param('header', p)) });
  else if (s.header && s.header.format !== 'TEXT') {
    const kind = s.header.format.toLowerCase();
    components.push({ type: 'header', parameters: [{ type: kind, [kind]: { link: (values['header:media'] ?? '').trim() } }] });
  }
  if (s.body.params.length) components.push({ type: 'body', parameters: s.body.params.map((p) => param('body', p)) });
  return { name: t.name, language: t.language, ...(components.length ? { components } : {}) };
}
