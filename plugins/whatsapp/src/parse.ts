/**
 * WhatsApp Cloud API webhook → normalised `InboundEvent[]` (Meta …/webhooks/reference/messages,
 * fixtures `fixtures/channels/whatsapp/webhook_*.json`).
 *
 * Envelope: `{"object":"whatsapp_business_account","entry":[{"id":<WABA id>,"changes":[{"field":
 * "messages","value":{"metadata":{"phone_number_id"},"contacts":[...],"messages":[...],
 * "statuses":[...],"errors":[...]}}]}]}`. One webhook may carry many entries, changes, messages
 * and statuses; each becomes one event. Other `field`s (e.g. `message_template_status_update`)
 * become account events.
 */
import { WebhookParseError, type InboundAccountEvent, type InboundEvent, type InboundMessage, type InboundSender, type InboundStatus, type PluginLogger } from '@parley/sdk';
import { mapWebhookErrors } from './errors.js';
import { parseMessageBody, type RawMessage } from './parse-message.js';

type Json = Record<string, unknown>;

/** A value-level `contacts[]` element: `{profile:{name, username?}, wa_id, user_id?}`. */
interface RawContact {
  wa_id?: string;
  user_id?: string;
  profile?: { name?: string; username?: string };
}

/** A `statuses[]` element (fixtures `webhook_status_*`). */
interface RawStatus {
  id?: string;
  status?: string;
  timestamp?: string | number;
  recipient_id?: string;
  recipient_user_id?: string;
  errors?: unknown;
}

const STATUSES = new Set<InboundStatus['status']>(['sent', 'delivered', 'read', 'played', 'failed']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Provider timestamps are epoch seconds as strings; Parley uses epoch ms. */
export function toMillis(timestamp: unknown, fallback = Date.now()): number {
  const seconds = typeof timestamp === 'number' ? timestamp : typeof timestamp === 'string' ? Number(timestamp) : NaN;
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : fallback;
}

/**
 * Parses a webhook body (the raw bytes or text). Throws `WebhookParseError` when it is not JSON
 * or not a `whatsapp_business_account` envelope with an `entry` array. Malformed items inside a
 * valid envelope are skipped (and logged) so one bad item never drops the batch.
 */
export function parseWebhookBody(rawBody: Buffer | string, logger?: PluginLogger): InboundEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('WhatsApp webhook body is not valid JSON');
  }
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new WebhookParseError('Not a WhatsApp Business Account webhook (expected object "whatsapp_business_account" with an entry array)');
  }
  const events: InboundEvent[] = [];
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
    const entryId = typeof entry.id === 'string' || typeof entry.id === 'number' ? String(entry.id) : '';
    for (const change of entry.changes) {
      if (!isObject(change) || !isObject(change.value)) continue;
      events.push(...parseChange(String(change.field ?? ''), change.value, entryId, logger));
    }
  }
  return events;
}

/** One `changes[]` element. `accountId` is `metadata.phone_number_id`, else the entry (WABA) id. */
function parseChange(field: string, value: Json, entryId: string, logger?: PluginLogger): InboundEvent[] {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const accountId = nonEmpty(metadata.phone_number_id) ? metadata.phone_number_id : entryId;
  if (field !== 'messages') {
    const event: InboundAccountEvent = { kind: 'account_event', accountId, topic: field || 'unknown', data: value };
    return [event];
  }
  const contacts = Array.isArray(value.contacts) ? (value.contacts.filter(isObject) as RawContact[]) : [];
  const messages = Array.isArray(value.messages) ? value.messages : [];
  const statuses = Array.isArray(value.statuses) ? value.statuses : [];
  const events: InboundEvent[] = [];
  for (const raw of messages) {
    const message = isObject(raw) ? parseMessage(raw as RawMessage, accountId, contacts) : null;
    if (message) events.push(message);
    else logger?.warn({ accountId }, 'whatsapp: skipped a message without id or sender');
  }
  for (const raw of statuses) {
    const status = isObject(raw) ? parseStatus(raw as RawStatus, accountId) : null;
    if (status) events.push(status);
    else logger?.debug({ accountId }, 'whatsapp: skipped an unknown status item');
  }
  if (messages.length === 0 && statuses.length === 0 && Array.isArray(value.errors) && value.errors.length > 0) {
    const event: InboundAccountEvent = { kind: 'account_event', accountId, topic: 'errors', data: value };
    const errors = mapWebhookErrors(value.errors);
    if (errors) event.errors = errors;
    events.push(event);
  }
  return events;
}

/**
 * Sender of a message: `wa_id`/`from` when non-empty, else the business-scoped user id
 * (`from_user_id`, contact `user_id`; fixture `webhook_text_username_user_bsuid__meta_docs.json`).
 * Name and username come from the value-level contact with the same wa_id or user_id.
 */
export function resolveSender(message: RawMessage, contacts: RawContact[]): InboundSender | null {
  const from = nonEmpty(message.from) ? message.from : undefined;
  const fromUserId = nonEmpty(message.from_user_id) ? message.from_user_id : undefined;
  const contact = contacts.find((c) => (from !== undefined && c.wa_id === from) || (fromUserId !== undefined && c.user_id === fromUserId));
  const phone = from ?? (nonEmpty(contact?.wa_id) ? contact.wa_id : undefined);
  const externalId = phone ?? fromUserId ?? (nonEmpty(contact?.user_id) ? contact.user_id : undefined);
  if (externalId === undefined) return null;
  return {
    externalId,
    phone: phone ?? null,
    name: nonEmpty(contact?.profile?.name) ? contact.profile.name : null,
    username: nonEmpty(contact?.profile?.username) ? contact.profile.username : null,
  };
}

/** One `messages[]` element → `InboundMessage`, or null without an id or sender. */
function parseMessage(raw: RawMessage, accountId: string, contacts: RawContact[]): InboundMessage | null {
  if (!nonEmpty(raw.id)) return null;
  const sender = resolveSender(raw, contacts);
  if (!sender) return null;
  const body = parseMessageBody(raw);
  const content: Json = { ...body.content };
  if (isObject(raw.context)) content.context = raw.context;
  if (isObject(raw.referral)) content.referral = raw.referral;
  const message: InboundMessage = {
    kind: 'message',
    accountId,
    externalId: raw.id,
    direction: 'in',
    sender,
    timestamp: toMillis(raw.timestamp),
    type: body.type,
    text: body.text,
    media: body.media ?? null,
    content: Object.keys(content).length > 0 ? content : null,
    replyToExternalId: isObject(raw.context) && nonEmpty(raw.context.id) ? raw.context.id : null,
    reaction: body.reaction ?? null,
  };
  const errors = mapWebhookErrors(raw.errors);
  if (errors) message.errors = errors;
  return message;
}

/** One `statuses[]` element → `InboundStatus`, or null for unknown statuses (e.g. `deleted`). */
function parseStatus(raw: RawStatus, accountId: string): InboundStatus | null {
  if (!nonEmpty(raw.id) || !STATUSES.has(raw.status as InboundStatus['status'])) return null;
  const recipientId = nonEmpty(raw.recipient_id) ? raw.recipient_id : nonEmpty(raw.recipient_user_id) ? raw.recipient_user_id : null;
  const status: InboundStatus = {
    kind: 'status',
    accountId,
    externalId: raw.id,
    status: raw.status as InboundStatus['status'],
    timestamp: toMillis(raw.timestamp),
    recipientId,
  };
  const errors = mapWebhookErrors(raw.errors);
  if (errors) status.errors = errors;
  return status;
}
