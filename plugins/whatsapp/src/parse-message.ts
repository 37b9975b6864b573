/**
 * Type-specific part of an inbound WhatsApp message (Meta …/webhooks/reference/messages/<type>):
 * `{type, text, media?, content?, reaction?}`. Shapes per type, with the fixture each comes from:
 *
 * - text        `{text:{body}}`                                   webhook_text__meta_docs
 * - image/video/document/audio/sticker `{<type>:{id, mime_type, sha256, url?, caption?,
 *               filename?, voice?, animated?, file_size?}}`        webhook_image__meta_docs, webhook_audio_voice__pywa, …
 * - location    `{location:{latitude, longitude, name?, address?, url?}}` webhook_location__meta_docs
 * - contacts    `{contacts:[{name:{formatted_name,…}, phones:[…], …}]}`   webhook_contacts__meta_docs
 * - interactive `{interactive:{type:"button_reply"|"list_reply", button_reply|list_reply:{id, title, description?}}}`
 *                                                                 webhook_interactive_*__meta_docs
 * - button      `{button:{payload, text}}` (template quick reply)  webhook_template_quick_reply_button__pywa
 * - reaction    `{reaction:{message_id, emoji?}}` (no/empty emoji = removed) webhook_reaction_removed*__*
 * - unsupported `{errors:[{code:131051,…}]}` and any type Parley does not know  webhook_unsupported__pywa
 */
import type { InboundMessage, MediaInfo, MessageType } from '@parley/sdk';

type Json = Record<string, unknown>;

/** A raw `messages[]` element, as far as the parser reads it. */
export interface RawMessage {
  id?: string;
  from?: string;
  from_user_id?: string;
  timestamp?: string | number;
  type?: string;
  context?: Json & { id?: string };
  referral?: Json;
  errors?: unknown;
  [key: string]: unknown;
}

/** The type-specific fields of an `InboundMessage`. */
export interface MessageBody {
  type: MessageType;
  text: string | null;
  media?: MediaInfo;
  content?: Json;
  reaction?: InboundMessage['reaction'];
}

const MEDIA = new Set(['image', 'video', 'document', 'audio', 'sticker']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Normalises the type-specific part of one message. */
export function parseMessageBody(raw: RawMessage): MessageBody {
  const type = typeof raw.type === 'string' ? raw.type : 'unsupported';
  const part = raw[type];
  if (type === 'text' && isObject(part)) return { type: 'text', text: str(part.body) ?? null };
  if (MEDIA.has(type) && isObject(part)) return parseMedia(type as MessageType, part);
  if (type === 'location' && isObject(part)) return parseLocation(part);
  if (type === 'contacts' && Array.isArray(part)) return parseContacts(part);
  if (type === 'interactive' && isObject(part)) return parseInteractive(part);
  if (type === 'button' && isObject(part)) {
    const text = str(part.text) ?? null;
    return { type: 'button', text, content: { payload: part.payload ?? null, text } };
  }
  if (type === 'reaction' && isObject(part) && str(part.message_id)) {
    const emoji = str(part.emoji) ?? null;
    return { type: 'reaction', text: emoji, reaction: { targetExternalId: part.message_id as string, emoji } };
  }
  // `unsupported`, unknown types (order, system, request_welcome, …) and malformed known types.
  const content: Json = { providerType: type };
  if (part !== undefined && type !== 'unsupported') content[type] = part;
  return { type: 'unsupported', text: null, content };
}

function parseMedia(type: MessageType, part: Json): MessageBody {
  const media: MediaInfo = {};
  if (str(part.id)) media.providerMediaId = part.id as string;
  if (str(part.url)) media.providerUrl = part.url as string;
  if (str(part.mime_type)) media.mimeType = part.mime_type as string;
  if (str(part.sha256)) media.sha256 = part.sha256 as string;
  const size = typeof part.file_size === 'number' || typeof part.file_size === 'string' ? Number(part.file_size) : NaN;
  if (Number.isFinite(size) && size >= 0) media.size = size;
  if (str(part.caption)) media.caption = part.caption as string;
  if (str(part.filename)) media.filename = part.filename as string;
  if (typeof part.voice === 'boolean') media.voice = part.voice;
  if (typeof part.animated === 'boolean') media.animated = part.animated;
  return { type, text: media.caption ?? null, media };
}

function parseLocation(part: Json): MessageBody {
  const content: Json = { latitude: part.latitude, longitude: part.longitude };
  for (const key of ['name', 'address', 'url'] as const) if (str(part[key])) content[key] = part[key];
  const text = [str(part.name), str(part.address)].filter(Boolean).join(', ') || null;
  return { type: 'location', text, content };
}

function parseContacts(cards: unknown[]): MessageBody {
  const first = cards.find(isObject);
  const name = first && isObject(first.name) ? str(first.name.formatted_name) ?? str(first.name.first_name) : undefined;
  let text = name ?? null;
  if (text !== null && cards.length > 1) text += ` and ${cards.length - 1} more`;
  return { type: 'contacts', text, content: { contacts: cards } };
}

function parseInteractive(part: Json): MessageBody {
  const replyType = typeof part.type === 'string' ? part.type : 'unknown';
  const reply = part[replyType];
  if ((replyType === 'button_reply' || replyType === 'list_reply') && isObject(reply)) {
    const title = str(reply.title) ?? null;
    const content: Json = { replyType, id: reply.id ?? null, title };
    if (str(reply.description)) content.description = reply.description;
    return { type: 'interactive', text: title, content };
  }
  // e.g. `nfm_reply` (WhatsApp Flows): keep the reply as given.
  const text = isObject(reply) ? str(reply.body) ?? null : null;
  return { type: 'interactive', text, content: { replyType, ...(isObject(reply) ? { reply } : {}) } };
}
