/**
 * Messenger Platform webhooks (Facebook Pages and Instagram) → normalised `InboundEvent[]`
 * (Meta …/messenger-platform/reference/webhook-events; fixtures
 * `fixtures/channels/messenger/webhook_*.json` and `fixtures/channels/instagram/webhook_*.json`).
 *
 * Envelope: `{"object":"page"|"instagram","entry":[{"id":<page or IG account id>,"time":<ms>,
 * "messaging":[<event>...]}]}`; one webhook may carry many entries and events. Each event has
 * `sender.id`, `recipient.id`, `timestamp` (epoch **ms**) and one of:
 *
 * - `message`  text, `attachments[]` (image, audio, video, file, location, fallback, template,
 *              and Instagram's share / story_mention / ig_reel / reel / ig_post / unsupported_type…),
 *              `quick_reply.payload` (→ `interactive`), `reply_to.mid`, `is_echo` (→ direction
 *              `out`), `is_deleted` (→ a `system` message), `is_unsupported` (Instagram)
 * - `postback` `{title?, payload, mid?}` (→ `interactive`)
 * - `reaction` `{mid, action: react|unreact, reaction?, emoji?}` (→ `reaction`)
 * - `delivery` `{mids?[], watermark}` (→ `delivered` per mid, plus a watermark status)
 * - `read`     Messenger `{watermark}` (→ a `read` watermark status); Instagram `{mid}` (→ `read`)
 * Anything else (optin, referral, handover, policy enforcement…) becomes an account event.
 *
 * Ids: real Meta sends strings, but restfb's fixtures (and some captures) write them as JSON
 * numbers, and Instagram ids exceed 2^53: the body is parsed losslessly (json.ts) so every id
 * stays an exact string.
 *
 * Who is the customer: the party that is not the account (`entry.id`): the sender of an
 * inbound message, the recipient of an echo. It goes into `sender` (the chat's contact).
 *
 * Attachments carry no media id, only a CDN URL (signed, expiring): the URL is both
 * `providerUrl` and `providerMediaId`, and `downloadMedia` fetches it (media.ts).
 * Echoes of messages Parley itself sent through Messenger carry the `metadata` marker
 * {@link PARLEY_METADATA_PREFIX} and are skipped: Parley already stores those messages.
 */
import { WebhookParseError, type InboundAccountEvent, type InboundEvent, type InboundMessage, type InboundStatus, type MediaInfo, type MessageType, type PluginLogger } from '@parley/sdk';
import { idString, parseJsonLosslessly } from './json.js';

type Json = Record<string, unknown>;

/** `object` of the webhook envelope per channel type. */
export const WEBHOOK_OBJECT = { messenger: 'page', instagram: 'instagram' } as const;

/** `message.metadata` of messages Parley sends (echoed back by Messenger), followed by the Parley message id. */
export const PARLEY_METADATA_PREFIX = 'parley:';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isHttpUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\//i.test(v);

/** Messenger timestamps are epoch milliseconds (numbers, sometimes strings). */
export function toMillis(value: unknown, fallback = Date.now()): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.round(n) : fallback;
}

/**
 * Parses a webhook body for one channel type. Throws `WebhookParseError` when it is not JSON or
 * not the expected envelope (`object` `page` for Messenger, `instagram` for Instagram, with an
 * `entry` array). Malformed events inside a valid envelope are skipped (and logged).
 */
export function parseWebhookBody(rawBody: Buffer | string, type: keyof typeof WEBHOOK_OBJECT, logger?: PluginLogger): InboundEvent[] {
  let body: unknown;
  try {
    body = parseJsonLosslessly(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError(`${type} webhook body is not valid JSON`);
  }
  const expected = WEBHOOK_OBJECT[type];
  if (!isObject(body) || body.object !== expected || !Array.isArray(body.entry)) {
    throw new WebhookParseError(`Not a ${type} webhook (expected object "${expected}" with an entry array${isObject(body) && typeof body.object === 'string' ? `, got object "${body.object}"` : ''})`);
  }
  const events: InboundEvent[] = [];
  for (const entry of body.entry) {
    if (!isObject(entry)) continue;
    const entryId = idString(entry.id);
    if (!Array.isArray(entry.messaging)) continue; // e.g. `changes` (feed, comments) or `standby`
    for (const raw of entry.messaging) {
      if (!isObject(raw)) continue;
      const parsed = parseMessagingEvent(raw, entryId, logger);
      if (parsed.length === 0) logger?.debug({ accountId: entryId }, `${type}: skipped a messaging event`);
      events.push(...parsed);
    }
  }
  return events;
}

/** The account and the customer of one event (see the module comment). */
export function partiesOf(event: Json, entryId: string | null): { accountId: string; customerId: string } | null {
  const sender = isObject(event.sender) ? idString(event.sender.id) : null;
  const recipient = isObject(event.recipient) ? idString(event.recipient.id) : null;
  const echo = isObject(event.message) && event.message.is_echo === true;
  const accountId = entryId ?? (echo ? sender : recipient);
  if (!accountId) return null;
  const customerId = sender !== null && sender !== accountId ? sender : recipient !== null && recipient !== accountId ? recipient : null;
  return customerId ? { accountId, customerId } : null;
}

/** One `messaging[]` element → events (none when it is malformed or a Parley echo). */
export function parseMessagingEvent(event: Json, entryId: string | null, logger?: PluginLogger): InboundEvent[] {
  const parties = partiesOf(event, entryId);
  if (!parties) return [];
  const { accountId, customerId } = parties;
  const timestamp = toMillis(event.timestamp);
  if (isObject(event.message)) return parseMessage(event.message, accountId, customerId, timestamp, logger);
  if (isObject(event.postback)) return [parsePostback(event.postback, event, accountId, customerId, timestamp)];
  if (isObject(event.reaction)) {
    const reaction = parseReaction(event.reaction, accountId, customerId, timestamp);
    return reaction ? [reaction] : [];
  }
  if (isObject(event.delivery)) return parseDelivery(event.delivery, accountId, customerId, timestamp);
  if (isObject(event.read)) return parseRead(event.read, accountId, customerId, timestamp);
  const topic = Object.keys(event).find((k) => !['sender', 'recipient', 'timestamp'].includes(k)) ?? 'unknown';
  const other: InboundAccountEvent = { kind: 'account_event', accountId, topic, data: event };
  return [other];
}

function base(accountId: string, customerId: string, timestamp: number, externalId: string, direction: 'in' | 'out'): Omit<InboundMessage, 'type' | 'text'> {
  return { kind: 'message', accountId, externalId, direction, sender: { externalId: customerId, phone: null }, timestamp };
}

function parseMessage(message: Json, accountId: string, customerId: string, timestamp: number, logger?: PluginLogger): InboundMessage[] {
  const mid = str(message.mid);
  if (!mid) return [];
  const direction = message.is_echo === true ? 'out' : 'in';
  if (direction === 'out' && typeof message.metadata === 'string' && message.metadata.startsWith(PARLEY_METADATA_PREFIX)) {
    logger?.debug({ accountId, mid }, 'echo of a message Parley sent: already stored');
    return [];
  }
  const replyTo = isObject(message.reply_to) ? str(message.reply_to.mid) ?? null : null;
  const extras: Json = {};
  if (isObject(message.referral)) extras.referral = message.referral;
  if (isObject(message.reply_to) && isObject(message.reply_to.story)) extras.replyToStory = message.reply_to.story;
  if (direction === 'out' && message.app_id !== undefined) extras.appId = idString(message.app_id) ?? message.app_id;
  const common = (externalId: string) => ({ ...base(accountId, customerId, timestamp, externalId, direction), replyToExternalId: replyTo });
  const withExtras = (content: Json | null | undefined): Json | null => {
    const merged = { ...(content ?? {}), ...extras };
    return Object.keys(merged).length > 0 ? merged : null;
  };

  if (message.is_deleted === true) {
    return [{ ...common(`deleted:${mid}`), type: 'system', text: 'Message deleted', content: { event: 'message_deleted', targetExternalId: mid } }];
  }
  const text = str(message.text) ?? null;
  const attachments = Array.isArray(message.attachments) ? message.attachments.filter(isObject) : [];
  if (attachments.length > 0) {
    // one message per attachment: the first keeps the mid (replies and reactions target it)
    return attachments.map((a, i) => {
      const body = parseAttachment(a);
      const caption = i === 0 ? text : null;
      const out: InboundMessage = { ...common(i === 0 ? mid : `${mid}#${i}`), type: body.type, text: body.text ?? caption, content: withExtras(body.content) };
      if (body.media) out.media = caption && !body.media.caption ? { ...body.media, caption } : body.media;
      return out;
    });
  }
  if (isObject(message.quick_reply)) {
    const payload = message.quick_reply.payload ?? null;
    return [{ ...common(mid), type: 'interactive', text, content: withExtras({ replyType: 'quick_reply', id: payload, title: text }) }];
  }
  if (message.is_unsupported === true || text === null) {
    return [{ ...common(mid), type: 'unsupported', text: null, content: withExtras({ providerType: message.is_unsupported === true ? 'unsupported' : 'empty' }) }];
  }
  return [{ ...common(mid), type: 'text', text, content: withExtras(null) }];
}

/** The type-specific part of one attachment. */
interface AttachmentBody {
  type: MessageType;
  text?: string | null;
  media?: MediaInfo;
  content?: Json;
}

const MEDIA_ATTACHMENTS: Record<string, MessageType> = { image: 'image', audio: 'audio', video: 'video', file: 'document' };

/** `{type, payload}` of `message.attachments[]` → message type, media and content. */
export function parseAttachment(attachment: Json): AttachmentBody {
  const kind = typeof attachment.type === 'string' ? attachment.type : 'unknown';
  const payload = isObject(attachment.payload) ? attachment.payload : {};
  const mapped = MEDIA_ATTACHMENTS[kind];
  if (mapped) {
    const media: MediaInfo = {};
    if (isHttpUrl(payload.url)) {
      media.providerUrl = payload.url;
      media.providerMediaId = payload.url;
    }
    const content: Json = {};
    if (payload.sticker_id !== undefined) content.stickerId = idString(payload.sticker_id) ?? payload.sticker_id;
    if (str(attachment.title)) content.title = attachment.title;
    if (!isHttpUrl(payload.url) && payload.url !== undefined) content.url = payload.url;
    const type: MessageType = mapped === 'image' && payload.sticker_id !== undefined ? 'sticker' : mapped;
    return { type, media, content: Object.keys(content).length > 0 ? content : undefined };
  }
  if (kind === 'location' && isObject(payload.coordinates)) {
    const c = payload.coordinates;
    const content: Json = { latitude: c.lat, longitude: c.long };
    const title = str(attachment.title);
    if (title) content.name = title;
    if (str(attachment.url)) content.url = attachment.url;
    return { type: 'location', text: title ?? null, content };
  }
  if (kind === 'fallback') {
    // a shared link Meta could not render otherwise
    const url = str(payload.url) ?? str(attachment.url);
    const title = str(payload.title) ?? str(attachment.title);
    return { type: 'text', text: [title, url].filter(Boolean).join(' ') || null, content: { providerType: 'fallback', fallback: { ...attachment } } };
  }
  if (kind === 'template') {
    // echoes of structured messages (button, generic templates) the business sent elsewhere
    return { type: 'template', text: str(payload.text) ?? null, content: { providerType: 'template', template: payload } };
  }
  // Instagram share, story_mention, ig_reel, reel, ig_post, story, ig_story, unsupported_type, …
  const content: Json = { providerType: kind };
  if (Object.keys(payload).length > 0) content.payload = payload;
  return { type: 'unsupported', text: null, content };
}

function parsePostback(postback: Json, event: Json, accountId: string, customerId: string, timestamp: number): InboundMessage {
  const title = str(postback.title) ?? null;
  const payload = postback.payload ?? null;
  const externalId = str(postback.mid) ?? `postback:${customerId}:${timestamp}`;
  const content: Json = { replyType: 'postback', id: payload, title };
  if (isObject(postback.referral)) content.referral = postback.referral;
  else if (isObject(event.referral)) content.referral = event.referral;
  return { ...base(accountId, customerId, timestamp, externalId, 'in'), type: 'interactive', text: title ?? (typeof payload === 'string' ? payload : null), content };
}

function parseReaction(reaction: Json, accountId: string, customerId: string, timestamp: number): InboundMessage | null {
  const target = str(reaction.mid);
  if (!target) return null;
  const removed = reaction.action === 'unreact';
  const emoji = removed ? null : str(reaction.emoji) ?? str(reaction.reaction) ?? null;
  return {
    ...base(accountId, customerId, timestamp, `reaction:${target}:${customerId}:${timestamp}`, 'in'),
    type: 'reaction',
    text: emoji,
    content: str(reaction.reaction) ? { reactionName: reaction.reaction } : null,
    reaction: { targetExternalId: target, emoji },
  };
}

function parseDelivery(delivery: Json, accountId: string, customerId: string, timestamp: number): InboundStatus[] {
  const watermark = toMillis(delivery.watermark, 0);
  const at = watermark || timestamp;
  const statuses: InboundStatus[] = [];
  for (const mid of Array.isArray(delivery.mids) ? delivery.mids : []) {
    if (str(mid)) statuses.push({ kind: 'status', accountId, externalId: mid as string, status: 'delivered', timestamp: at, recipientId: customerId });
  }
  if (watermark) statuses.push({ kind: 'status', accountId, externalId: '', status: 'delivered', timestamp: at, recipientId: customerId, upToTimestamp: watermark });
  return statuses;
}

function parseRead(read: Json, accountId: string, customerId: string, timestamp: number): InboundStatus[] {
  const mid = str(read.mid);
  if (mid) return [{ kind: 'status', accountId, externalId: mid, status: 'read', timestamp, recipientId: customerId }];
  const watermark = toMillis(read.watermark, 0);
  if (!watermark) return [];
  return [{ kind: 'status', accountId, externalId: '', status: 'read', timestamp: watermark, recipientId: customerId, upToTimestamp: watermark }];
}
