/**
 * Telegram `Update` → normalised `InboundEvent[]` (Bot API "Getting updates", fixtures
 * `fixtures/channels/telegram/update_*.json`; traps in SOURCES.md).
 *
 * One webhook POST carries one Update: `{"update_id":…, "message"|"edited_message"|"callback_query":…}`.
 * Parley reads:
 * - `message`, `edited_message`: text, photo (largest size), voice, audio, video, video_note,
 *   animation, document, sticker, location, venue, contact; anything else is `unsupported`.
 * - `callback_query` (an inline-keyboard button press) → `interactive` with
 *   `content {replyType:'button', id:<callback_data>, title:<button text>}`.
 * Other update kinds (not requested in `allowed_updates`) yield no events.
 *
 * Identity: the conversation is the chat, so replies go back where the customer wrote:
 * `sender.externalId` = chat id as a string (private chat id = user id; groups are negative,
 * `-100…` for supergroups). Ids are never round-tripped through JS numbers (see json.ts).
 * External ids (unique per channel): `<chat_id>:<message_id>`; edits
 * `<chat_id>:<message_id>:edit:<edit_date>`; button presses `cb:<callback_query id>`.
 *
 * Schematic official examples lack `is_bot`, put `type` inside `from`, or (callback queries from
 * inline messages) carry `inline_message_id` and no `message`: then the chat is the user's
 * private chat (`from.id`).
 */
import { WebhookParseError, type InboundEvent, type InboundMessage, type InboundSender, type MediaInfo, type MessageType, type PluginLogger } from '@parley/sdk';
import { idString, parseJsonLosslessly } from './json.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** Epoch seconds (Telegram `date`, `edit_date`) → epoch ms; `fallback` when absent. */
export function toMillis(seconds: unknown, fallback = Date.now()): number {
  const s = num(seconds);
  return s === undefined ? fallback : Math.round(s * 1000);
}

/** `first_name last_name` of a User or private Chat, or null. */
export function personName(o: Json | undefined): string | null {
  if (!o) return null;
  return [str(o.first_name), str(o.last_name)].filter(Boolean).join(' ') || null;
}

/**
 * The conversation of a message: the chat. Private chats are named after the person, groups
 * and channels after their title; the author of a group message goes into `content.from`.
 */
export function senderOfChat(chat: Json, from?: Json): InboundSender | null {
  const externalId = idString(chat.id);
  if (!externalId) return null;
  const isPrivate = chat.type === 'private' || (chat.type === undefined && !externalId.startsWith('-'));
  const name = isPrivate ? personName(chat) ?? personName(from) ?? str(chat.title) ?? null : str(chat.title) ?? personName(chat) ?? null;
  const username = str(chat.username) ?? (isPrivate ? str(from?.username) : undefined) ?? null;
  return { externalId, phone: null, name, username };
}

/** Author of a message in a group (`{id, name, username}`), or undefined. */
function authorOf(from: unknown): Json | undefined {
  if (!isObject(from)) return undefined;
  const id = idString(from.id);
  if (!id) return undefined;
  return { id, name: personName(from), username: str(from.username) ?? null, ...(from.is_bot === true ? { isBot: true } : {}) };
}

/**
 * Parses an update body (raw bytes or text). Throws `WebhookParseError` when it is not JSON or
 * not an Update object (no `update_id`). Updates Parley does not read give `[]`.
 */
export function parseUpdateBody(rawBody: Buffer | string, logger?: PluginLogger): InboundEvent[] {
  let body: unknown;
  try {
    body = parseJsonLosslessly(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new WebhookParseError('Telegram update is not valid JSON');
  }
  if (!isObject(body) || idString(body.update_id) === null) {
    throw new WebhookParseError('Not a Telegram Update (expected an object with an integer update_id)');
  }
  return parseUpdate(body, logger);
}

/** One parsed Update → events (0 or 1). */
export function parseUpdate(update: Json, logger?: PluginLogger): InboundEvent[] {
  const updateId = idString(update.update_id);
  let event: InboundMessage | null = null;
  if (isObject(update.message)) event = parseMessage(update.message, false);
  else if (isObject(update.edited_message)) event = parseMessage(update.edited_message, true);
  else if (isObject(update.callback_query)) event = parseCallbackQuery(update.callback_query);
  else {
    logger?.debug({ updateId, kinds: Object.keys(update).filter((k) => k !== 'update_id') }, 'telegram: update kind not read');
    return [];
  }
  if (!event) {
    logger?.warn({ updateId }, 'telegram: skipped an update without chat or message id');
    return [];
  }
  return [event];
}

/** A `message` or `edited_message` → `InboundMessage`, or null without chat or message id. */
export function parseMessage(raw: Json, edited: boolean): InboundMessage | null {
  const chat = isObject(raw.chat) ? raw.chat : undefined;
  const from = isObject(raw.from) ? raw.from : undefined;
  const sender = chat ? senderOfChat(chat, from) : null;
  const messageId = idString(raw.message_id);
  if (!sender || !messageId) return null;
  const baseId = `${sender.externalId}:${messageId}`;
  const editDate = idString(raw.edit_date);
  const externalId = edited ? `${baseId}:edit:${editDate ?? idString(raw.date) ?? '0'}` : baseId;
  const body = parseMessageBody(raw);
  const content: Json = { ...body.content };
  if (chat && chat.type !== 'private') {
    content.chat = { type: str(chat.type) ?? null, title: str(chat.title) ?? null };
    const author = authorOf(from);
    if (author) content.from = author;
  }
  if (edited) content.edited = { originalExternalId: baseId };
  const replyTo = isObject(raw.reply_to_message) ? idString(raw.reply_to_message.message_id) : null;
  return {
    kind: 'message',
    accountId: '',
    externalId,
    direction: 'in',
    sender,
    timestamp: toMillis(edited && editDate ? raw.edit_date : raw.date),
    type: body.type,
    text: body.text,
    media: body.media ?? null,
    content: Object.keys(content).length > 0 ? content : null,
    replyToExternalId: replyTo ? `${sender.externalId}:${replyTo}` : null,
  };
}

/** The type-specific fields of an `InboundMessage`. */
export interface MessageBody {
  type: MessageType;
  text: string | null;
  media?: MediaInfo;
  content?: Json;
}

/** Media fields of a Telegram file object (`file_id`, `file_unique_id`, `mime_type`, `file_size`, `file_name`). */
function mediaOf(file: Json, caption: string | undefined, extra: Partial<MediaInfo> = {}): MediaInfo {
  const media: MediaInfo = {};
  if (str(file.file_id)) media.providerMediaId = file.file_id as string;
  if (str(file.mime_type)) media.mimeType = file.mime_type as string;
  const size = num(file.file_size);
  if (size !== undefined && size >= 0) media.size = size;
  if (str(file.file_name)) media.filename = file.file_name as string;
  if (caption) media.caption = caption;
  return { ...media, ...extra };
}

/** The largest size of a `photo` array (by pixels, then bytes); Telegram lists smallest first. */
export function largestPhoto(sizes: unknown[]): Json | undefined {
  let best: Json | undefined;
  let bestScore = -1;
  for (const s of sizes) {
    if (!isObject(s) || !str(s.file_id)) continue;
    const score = (num(s.width) ?? 0) * (num(s.height) ?? 0) * 1e9 + (num(s.file_size) ?? 0);
    if (score >= bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/** Normalises the type-specific part of one message. */
export function parseMessageBody(raw: Json): MessageBody {
  const caption = str(raw.caption);
  const text = str(raw.text);
  if (text !== undefined) {
    const content: Json = {};
    if (Array.isArray(raw.entities) && raw.entities.length) content.entities = raw.entities;
    return { type: 'text', text, ...(Object.keys(content).length ? { content } : {}) };
  }
  if (Array.isArray(raw.photo)) {
    const photo = largestPhoto(raw.photo);
    if (photo) {
      const extra: Json = {};
      if (num(photo.width) !== undefined) extra.width = num(photo.width);
      if (num(photo.height) !== undefined) extra.height = num(photo.height);
      // Telegram re-encodes photos as JPEG.
      return { type: 'image', text: caption ?? null, media: mediaOf(photo, caption, { mimeType: 'image/jpeg' }), content: extra };
    }
  }
  if (isObject(raw.voice)) return { type: 'audio', text: caption ?? null, media: mediaOf(raw.voice, caption, { voice: true }), content: durationOf(raw.voice) };
  if (isObject(raw.audio)) {
    const content: Json = { ...durationOf(raw.audio) };
    for (const key of ['title', 'performer'] as const) if (str(raw.audio[key])) content[key] = raw.audio[key];
    return { type: 'audio', text: caption ?? null, media: mediaOf(raw.audio, caption), content };
  }
  // An animation (GIF) message also carries `document`: read the animation first.
  if (isObject(raw.animation)) return { type: 'video', text: caption ?? null, media: mediaOf(raw.animation, caption, { animated: true }), content: { ...durationOf(raw.animation), animation: true } };
  if (isObject(raw.video)) return { type: 'video', text: caption ?? null, media: mediaOf(raw.video, caption), content: durationOf(raw.video) };
  if (isObject(raw.video_note)) return { type: 'video', text: null, media: mediaOf(raw.video_note, undefined, { mimeType: 'video/mp4' }), content: { ...durationOf(raw.video_note), videoNote: true } };
  if (isObject(raw.document)) return { type: 'document', text: caption ?? null, media: mediaOf(raw.document, caption) };
  if (isObject(raw.sticker)) {
    const s = raw.sticker;
    const animated = s.is_animated === true || s.is_video === true;
    const mimeType = s.is_animated === true ? 'application/x-tgsticker' : s.is_video === true ? 'video/webm' : 'image/webp';
    const content: Json = {};
    if (str(s.emoji)) content.emoji = s.emoji;
    if (str(s.set_name)) content.setName = s.set_name;
    return { type: 'sticker', text: str(s.emoji) ?? null, media: mediaOf(s, undefined, { mimeType, animated }), content };
  }
  if (isObject(raw.venue) && isObject(raw.venue.location)) {
    const v = raw.venue;
    const loc = v.location as Json;
    const content: Json = { latitude: num(loc.latitude) ?? null, longitude: num(loc.longitude) ?? null };
    if (str(v.title)) content.name = v.title;
    if (str(v.address)) content.address = v.address;
    return { type: 'location', text: [str(v.title), str(v.address)].filter(Boolean).join(', ') || null, content };
  }
  if (isObject(raw.location)) {
    const loc = raw.location;
    const content: Json = { latitude: num(loc.latitude) ?? null, longitude: num(loc.longitude) ?? null };
    if (num(loc.horizontal_accuracy) !== undefined) content.accuracy = num(loc.horizontal_accuracy);
    if (num(loc.live_period) !== undefined) content.livePeriod = num(loc.live_period);
    return { type: 'location', text: null, content };
  }
  if (isObject(raw.contact)) return parseContact(raw.contact);
  const kinds = Object.keys(raw).filter((k) => !COMMON_FIELDS.has(k));
  return { type: 'unsupported', text: caption ?? null, content: { providerType: kinds[0] ?? 'unknown' } };
}

/** Message fields that are not its content (for naming the kind of an unsupported message). */
const COMMON_FIELDS = new Set([
  'message_id', 'message_thread_id', 'from', 'sender_chat', 'chat', 'date', 'edit_date', 'reply_to_message', 'forward_origin',
  'forward_from', 'forward_from_chat', 'forward_date', 'is_topic_message', 'is_automatic_forward', 'via_bot', 'author_signature',
  'has_protected_content', 'media_group_id', 'caption', 'caption_entities', 'entities', 'reply_markup', 'link_preview_options',
  'quote', 'external_reply', 'show_caption_above_media', 'has_media_spoiler', 'message_auto_delete_time', 'business_connection_id',
  'sender_business_bot', 'sender_boost_count', 'effect_id', 'is_from_offline',
]);

function durationOf(file: Json): Json {
  const d = num(file.duration);
  return d === undefined ? {} : { duration: d };
}

/**
 * A shared contact (fixtures `update_contact__captured_public_repo.json`,
 * `object_contact__pytelegrambotapi.json`) → `contacts` in the shape WhatsApp uses
 * (`{name:{formatted_name, first_name, last_name}, phones:[{phone}], …}`), so the inbox renders both alike.
 * Phone numbers are kept as given (Telegram sends them with or without `+`).
 */
export function parseContact(c: Json): MessageBody {
  const name = personName(c);
  const card: Json = { name: { formatted_name: name ?? str(c.phone_number) ?? '', ...(str(c.first_name) ? { first_name: c.first_name } : {}), ...(str(c.last_name) ? { last_name: c.last_name } : {}) } };
  if (str(c.phone_number)) card.phones = [{ phone: c.phone_number }];
  const userId = idString(c.user_id);
  if (userId) card.telegramUserId = userId;
  if (str(c.vcard)) card.vcard = c.vcard;
  return { type: 'contacts', text: name ?? str(c.phone_number) ?? null, content: { contacts: [card] } };
}

/** Title of the pressed button: the inline-keyboard button of the original message whose `callback_data` is `data`. */
function buttonTitle(message: Json | undefined, data: string | undefined): string | undefined {
  const markup = message && isObject(message.reply_markup) ? message.reply_markup : undefined;
  if (!markup || !Array.isArray(markup.inline_keyboard) || data === undefined) return undefined;
  for (const row of markup.inline_keyboard) {
    if (!Array.isArray(row)) continue;
    for (const b of row) if (isObject(b) && b.callback_data === data && str(b.text)) return b.text as string;
  }
  return undefined;
}

/**
 * A `callback_query` (fixture `update_callback_query__telegram_docs.json`) → `interactive`.
 * The chat is the one of the message carrying the keyboard; for inline-mode messages
 * (`inline_message_id`, no `message`) it is the user's private chat (`from.id`).
 */
export function parseCallbackQuery(raw: Json): InboundMessage | null {
  const id = str(raw.id) ?? idString(raw.id);
  const from = isObject(raw.from) ? raw.from : undefined;
  const message = isObject(raw.message) ? raw.message : undefined;
  const chat = message && isObject(message.chat) ? message.chat : undefined;
  const sender = chat ? senderOfChat(chat, from) : from ? senderOfChat({ ...from, type: 'private' }, from) : null;
  if (!id || !sender) return null;
  const data = typeof raw.data === 'string' ? raw.data : undefined;
  const title = buttonTitle(message, data) ?? data ?? null;
  const content: Json = { replyType: 'button', id: data ?? null, title };
  if (str(raw.game_short_name)) content.gameShortName = raw.game_short_name;
  if (str(raw.inline_message_id)) content.inlineMessageId = raw.inline_message_id;
  if (chat && chat.type !== 'private') {
    content.chat = { type: str(chat.type) ?? null, title: str(chat.title) ?? null };
    const author = authorOf(from);
    if (author) content.from = author;
  }
  const messageId = message ? idString(message.message_id) : null;
  return {
    kind: 'message',
    accountId: '',
    externalId: `cb:${id}`,
    direction: 'in',
    sender,
    // callback queries carry no date; the original message's date is not the press time
    timestamp: Date.now(),
    type: 'interactive',
    text: title,
    media: null,
    content,
    replyToExternalId: messageId ? `${sender.externalId}:${messageId}` : null,
  };
}
