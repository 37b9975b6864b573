/**
 * Outbound messages (Bot API "Available methods"): one method per type, JSON bodies as in the
 * fixtures `request_sendMessage__assembled_from_bot_api_docs.json`,
 * `request_sendPhoto_by_file_id__assembled_from_bot_api_docs.json`,
 * `request_sendChatAction_typing__assembled_from_bot_api_docs.json`.
 *
 * | Parley type  | method        | file field |
 * |--------------|---------------|------------|
 * | text         | sendMessage   |            |
 * | interactive  | sendMessage + `reply_markup.inline_keyboard` (buttons → `callback_data`) | |
 * | image        | sendPhoto     | photo      |
 * | document     | sendDocument  | document   |
 * | audio        | sendAudio, or sendVoice for voice notes | audio / voice |
 * | video        | sendVideo     | video      |
 * | sticker      | sendSticker   | sticker    |
 * | location     | sendLocation  |            |
 *
 * Files are given as a Telegram `file_id` (`media.providerMediaId`) or an HTTP URL Telegram
 * downloads (`media.url`). Text is sent as plain text (no `parse_mode`), so `<`, `*` or `_`
 * typed by an agent never fail the send. A reply quotes the original with `reply_parameters`.
 * The answer is the sent Message; Parley's id for it is `<chat_id>:<message_id>`.
 */
import { ChannelError, type ChannelContext, type OutboundMessage, type SendResult, type TypingTarget } from '@parley/sdk';
import { callBotApi } from './bot-api.js';
import type { TelegramConfig } from './config.js';
import { idParam, idString } from './json.js';

type Json = Record<string, unknown>;

/** A Bot API call: method name and JSON parameters. */
export interface BotApiRequest {
  method: string;
  params: Json;
}

/** Bot API limits: message text 1–4096 characters, captions 0–1024, callback_data 1–64 bytes. */
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;
export const MAX_CALLBACK_DATA_BYTES = 64;

const FILE_METHODS: Record<string, { method: string; field: string; caption: boolean }> = {
  image: { method: 'sendPhoto', field: 'photo', caption: true },
  document: { method: 'sendDocument', field: 'document', caption: true },
  audio: { method: 'sendAudio', field: 'audio', caption: true },
  video: { method: 'sendVideo', field: 'video', caption: true },
  sticker: { method: 'sendSticker', field: 'sticker', caption: false },
};

const invalid = (message: string) => new ChannelError('INVALID_MESSAGE', message);

/** The chat to send to: the contact's external id (a chat id). */
export function chatIdOf(message: Pick<OutboundMessage, 'to'>): number | string {
  const id = idString(message.to.externalId);
  if (!id) throw invalid(`"${message.to.externalId}" is not a Telegram chat id`);
  return idParam(id);
}

/**
 * The Telegram message id inside a Parley external id (`<chat_id>:<message_id>`, or an edit
 * `<chat_id>:<message_id>:edit:<date>`); null for button presses (`cb:…`) and foreign ids.
 */
export function messageIdOf(externalId: string | null | undefined): number | null {
  const match = /^-?\d+:(\d+)(?::edit:\d+)?$/.exec(externalId ?? '');
  return match ? Number(match[1]) : null;
}

/** Builds the Bot API call for a normalised outbound message; throws `INVALID_MESSAGE`. */
export function buildSendRequest(message: OutboundMessage): BotApiRequest {
  const chat_id = chatIdOf(message);
  const { method, params } = typeRequest(message);
  const out: Json = { chat_id, ...params };
  const replyTo = messageIdOf(message.replyToExternalId);
  if (replyTo !== null) out.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };
  return { method, params: out };
}

function typeRequest(message: OutboundMessage): BotApiRequest {
  const { type } = message;
  if (type === 'text') {
    const text = message.text ?? '';
    if (text.trim() === '') throw invalid('A text message needs a non-empty text');
    if ([...text].length > MAX_TEXT) throw invalid(`Telegram messages are limited to ${MAX_TEXT} characters`);
    return { method: 'sendMessage', params: { text } };
  }
  if (type === 'interactive') return interactiveRequest(message);
  if (type === 'location') return locationRequest(message);
  const file = FILE_METHODS[type];
  if (file) return fileRequest(message, file);
  throw invalid(`Telegram cannot send messages of type "${type}"`);
}

function fileRequest(message: OutboundMessage, spec: { method: string; field: string; caption: boolean }): BotApiRequest {
  const media = message.media;
  const file = media?.providerMediaId || media?.url;
  if (!file) throw invalid(`A ${message.type} message needs media.providerMediaId (a Telegram file_id) or media.url`);
  let { method, field } = spec;
  if (message.type === 'audio' && /^audio\/ogg\b/i.test(media?.mimeType ?? '')) {
    // OGG/Opus is what Telegram shows as a voice note.
    method = 'sendVoice';
    field = 'voice';
  }
  const params: Json = { [field]: file };
  const caption = media?.caption ?? message.text ?? undefined;
  if (caption && spec.caption) {
    if ([...caption].length > MAX_CAPTION) throw invalid(`Telegram captions are limited to ${MAX_CAPTION} characters`);
    params.caption = caption;
  }
  return { method, params };
}

function interactiveRequest(message: OutboundMessage): BotApiRequest {
  const i = message.interactive;
  if (!i?.body) throw invalid('An interactive message needs interactive.body');
  const text = [i.header, i.body, i.footer].filter((s): s is string => !!s && s.trim() !== '').join('\n\n');
  if ([...text].length > MAX_TEXT) throw invalid(`Telegram messages are limited to ${MAX_TEXT} characters`);
  let rows: { id: string; title: string }[][];
  if (i.kind === 'list') {
    const items = (i.sections ?? []).flatMap((s) => s.rows);
    if (!items.length) throw invalid('A list message needs at least one row');
    rows = items.map((r) => [{ id: r.id, title: r.title }]);
  } else {
    const buttons = i.buttons ?? [];
    if (!buttons.length) throw invalid('A buttons message needs at least one button');
    rows = [buttons.map((b) => ({ id: b.id, title: b.title }))];
  }
  const inline_keyboard = rows.map((row) =>
    row.map((b) => {
      const bytes = Buffer.byteLength(b.id, 'utf8');
      if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw invalid(`Button id "${b.id}" must be 1–${MAX_CALLBACK_DATA_BYTES} bytes (Telegram callback_data)`);
      if (!b.title) throw invalid('Every button needs a title');
      return { text: b.title, callback_data: b.id };
    }),
  );
  return { method: 'sendMessage', params: { text, reply_markup: { inline_keyboard } } };
}

/** A location to send: `content`-like fields on the message (`latitude`, `longitude`). */
function locationRequest(message: OutboundMessage): BotApiRequest {
  const loc = (message as OutboundMessage & { location?: { latitude?: unknown; longitude?: unknown } }).location;
  const latitude = Number(loc?.latitude);
  const longitude = Number(loc?.longitude);
  if (!loc || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    throw invalid('A location message needs location.latitude and location.longitude');
  }
  return { method: 'sendLocation', params: { latitude, longitude } };
}

/** The sent Message of a send answer, as far as Parley reads it. */
interface SentMessage {
  message_id?: number | string;
  chat?: { id?: number | string };
}

/** Sends one message; returns `<chat_id>:<message_id>` of the sent Message. */
export async function sendMessage(ctx: ChannelContext<TelegramConfig>, message: OutboundMessage): Promise<SendResult> {
  const request = buildSendRequest(message);
  const sent = await callBotApi<SentMessage>(ctx, ctx.config.botToken, request.method, request.params, `send message (${request.method})`);
  const messageId = idString(sent?.message_id);
  if (!messageId) throw new ChannelError('PERMANENT', 'Telegram accepted the message but returned no message_id', { providerCode: 200 });
  const chatId = idString(sent?.chat?.id) ?? String(request.params.chat_id);
  return { externalId: `${chatId}:${messageId}` };
}

/** Body of the typing indicator call (fixture `request_sendChatAction_typing__assembled_from_bot_api_docs.json`). */
export function typingParams(chatId: string): Json {
  const id = idString(chatId);
  if (!id) throw invalid(`"${chatId}" is not a Telegram chat id`);
  return { chat_id: idParam(id), action: 'typing' };
}

/** Shows "typing…" in the chat (`sendChatAction`, lasts 5 s or until the next message). */
export async function sendTyping(ctx: ChannelContext<TelegramConfig>, target: TypingTarget): Promise<void> {
  await callBotApi(ctx, ctx.config.botToken, 'sendChatAction', typingParams(target.to.externalId), 'typing indicator');
}
