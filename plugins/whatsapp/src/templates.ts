/**
 * Message templates of a WhatsApp Business Account, for the inbox composer (Meta
 * …/whatsapp/business-management-api/message-templates; fixture
 * `template_list_response_full__meta_docs.json`):
 *
 *   GET {graph}/{wabaId}/message_templates?fields=name,language,category,status,components&limit=100
 *   Authorization: Bearer <token>
 *   → {"data":[{"name","language","category","status","components":[{"type":"BODY","text":"…{{1}}…"},…],"id"},…],
 *      "paging":{"cursors":{"before","after"},"next"?}}
 *
 * Pages are followed through `paging.next` (only when it points at the configured Graph host).
 * Only `APPROVED` templates are returned: the others cannot be sent.
 */
import type { ChannelContext, InboundAccountEvent, MessageTemplate } from '@parley/sdk';
import { graphBaseUrl, type WhatsAppConfig } from './config.js';
import { graphJson } from './graph.js';

/** Fields asked of `message_templates`. */
export const TEMPLATE_FIELDS = 'name,language,category,status,components';
/** Templates per page asked of the Graph API. */
export const TEMPLATE_PAGE_SIZE = 100;
/** At most this many pages are read (so at most 5,000 templates; a WABA may have 250 to 6,000). */
export const MAX_TEMPLATE_PAGES = 50;
/** Webhook field of template status changes (approved, rejected, paused, disabled…). */
export const TEMPLATE_STATUS_FIELD = 'message_template_status_update';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Distinct `{{…}}` placeholders of a template text: positional (`{{1}}`) or named
 * (`{{first_name}}`) — each distinct one is a parameter a send fills once.
 */
export function countPlaceholders(text: string): number {
  const names = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) names.add(m[1]!);
  return names.size;
}

/** One `data[]` element → a {@link MessageTemplate}, or null when it lacks a name or language. */
export function toMessageTemplate(raw: unknown): MessageTemplate | null {
  if (!isObject(raw) || !str(raw.name) || !str(raw.language)) return null;
  const components = Array.isArray(raw.components) ? raw.components.filter(isObject) : [];
  const body = components.find((c) => str(c.type).toUpperCase() === 'BODY');
  return {
    name: str(raw.name),
    language: str(raw.language),
    category: str(raw.category),
    status: str(raw.status),
    components,
    bodyParams: body ? countPlaceholders(str(body.text)) : 0,
  };
}

/** Every approved template of the channel's WABA, all pages read. Errors as mapped by `mapGraphError`. */
export async function listTemplates(ctx: ChannelContext<WhatsAppConfig>): Promise<MessageTemplate[]> {
  const base = graphBaseUrl(ctx);
  const graphOrigin = new URL(base).origin;
  const out: MessageTemplate[] = [];
  let url: string | null = `${base}/${encodeURIComponent(ctx.config.wabaId)}/message_templates?fields=${TEMPLATE_FIELDS}&limit=${TEMPLATE_PAGE_SIZE}`;
  for (let page = 0; url && page < MAX_TEMPLATE_PAGES; page++) {
    const answer: Json = await graphJson(ctx, { method: 'GET', url, accessToken: ctx.config.accessToken, what: 'list message templates' });
    for (const raw of Array.isArray(answer.data) ? answer.data : []) {
      const t = toMessageTemplate(raw);
      if (t && t.status.toUpperCase() === 'APPROVED') out.push(t);
    }
    const next: unknown = isObject(answer.paging) ? answer.paging.next : undefined;
    url = typeof next === 'string' && safeOrigin(next) === graphOrigin ? next : null;
  }
  return out;
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Templates belong to the WABA: numbers of one WABA share them. */
export const templateScope = (config: Partial<WhatsAppConfig>): string | null => config.wabaId ?? null;

/**
 * A `message_template_status_update` account event changed the templates of its WABA (the
 * event's `accountId` is the entry id, i.e. the WABA id: fixtures `webhook_template_status_*`).
 */
export function templateChangedScope(event: InboundAccountEvent): string | null {
  return event.topic === TEMPLATE_STATUS_FIELD && event.accountId ? event.accountId : null;
}
