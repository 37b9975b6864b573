/**
 * Outbound messages: `POST {graph}/{phoneNumberId}/messages` (Meta …/messages/send-messages).
 *
 * Request bodies follow the fixtures `send_text_request__meta_docs.json`,
 * `send_image_by_id_request__meta_docs.json`, `send_image_by_link_request__assembled_from_meta_docs.json`,
 * `send_template_named_params_request__meta_docs.json`, `send_interactive_reply_buttons_request__meta_docs.json`,
 * `send_interactive_list_request__meta_docs.json`:
 *   `{"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"text",
 *     "text":{"preview_url":true,"body":"..."}}`
 * A recipient without a phone number is addressed by business-scoped user id in `recipient`
 * instead of `to` (Meta BSUID doc; answer `send_response_bsuid__meta_docs.json`).
 * Answer (`send_response__meta_docs.json`): `{"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],
 *   "messages":[{"id":"wamid..."}]}`.
 * Typing indicator (`mark_read_with_typing_indicator_request__meta_docs.json`): `{"messaging_product":
 *   "whatsapp","status":"read","message_id":"wamid...","typing_indicator":{"type":"text"}}` → `{"success":true}`.
 */
import { ChannelError, type ChannelContext, type OutboundMessage, type OutboundRecipient, type SendResult, type TypingTarget } from '@parley/sdk';
import { graphBaseUrl, type WhatsAppConfig } from './config.js';
import { graphJson } from './graph.js';

type Json = Record<string, unknown>;

/** Media types that take a caption; only documents take a filename (Meta media message docs). */
const CAPTION_TYPES = new Set(['image', 'video', 'document']);
const MEDIA_TYPES = new Set(['image', 'video', 'document', 'audio', 'sticker']);
const URL_IN_TEXT = /\bhttps?:\/\/\S/i;

const invalid = (message: string) => new ChannelError('INVALID_MESSAGE', message);

/**
 * Addressing of a recipient: `{to:"+<digits>"}` when a phone number is known (or the external
 * id is itself a phone number), else `{recipient:<BSUID>}`.
 */
export function recipientFields(to: OutboundRecipient): Json {
  const phone = to.phone?.replace(/[^\d]/g, '') || (/^\+?\d{5,20}$/.test(to.externalId) ? to.externalId.replace(/^\+/, '') : '');
  if (phone) return { to: `+${phone}` };
  if (!to.externalId) throw invalid('Recipient has neither a phone number nor a WhatsApp user id');
  return { recipient: to.externalId };
}

/** Builds the Cloud API JSON body for a normalised outbound message; throws `INVALID_MESSAGE`. */
export function buildMessagePayload(message: OutboundMessage): Json {
  const payload: Json = { messaging_product: 'whatsapp', recipient_type: 'individual', ...recipientFields(message.to) };
  if (message.replyToExternalId) payload.context = { message_id: message.replyToExternalId };
  payload.type = message.type;
  payload[message.type] = typeBody(message);
  return payload;
}

function typeBody(message: OutboundMessage): Json {
  const { type } = message;
  if (type === 'text') {
    const body = message.text ?? '';
    if (body.trim() === '') throw invalid('A text message needs a non-empty text');
    return { preview_url: URL_IN_TEXT.test(body), body };
  }
  if (MEDIA_TYPES.has(type)) return mediaBody(message);
  if (type === 'template') {
    const t = message.template;
    if (!t?.name || !t.language) throw invalid('A template message needs template.name and template.language');
    return { name: t.name, language: { code: t.language }, ...(t.components?.length ? { components: t.components } : {}) };
  }
  if (type === 'interactive') return interactiveBody(message);
  if (type === 'reaction') {
    if (!message.reaction?.targetExternalId) throw invalid('A reaction needs reaction.targetExternalId');
    return { message_id: message.reaction.targetExternalId, emoji: message.reaction.emoji ?? '' };
  }
  throw invalid(`WhatsApp cannot send messages of type "${type}"`);
}

function mediaBody(message: OutboundMessage): Json {
  const media = message.media;
  const out: Json = {};
  if (media?.providerMediaId) out.id = media.providerMediaId;
  else if (media?.url) out.link = media.url;
  else throw invalid(`A ${message.type} message needs media.providerMediaId or media.url`);
  const caption = media.caption ?? message.text ?? undefined;
  if (caption && CAPTION_TYPES.has(message.type)) out.caption = caption;
  if (media.filename && message.type === 'document') out.filename = media.filename;
  return out;
}

function interactiveBody(message: OutboundMessage): Json {
  const i = message.interactive;
  if (!i?.body) throw invalid('An interactive message needs interactive.body');
  const out: Json = { type: i.kind === 'list' ? 'list' : 'button' };
  if (i.header) out.header = { type: 'text', text: i.header };
  out.body = { text: i.body };
  if (i.footer) out.footer = { text: i.footer };
  if (i.kind === 'list') {
    if (!i.buttonText || !i.sections?.length) throw invalid('A list message needs interactive.buttonText and sections');
    out.action = {
      button: i.buttonText,
      sections: i.sections.map((s) => ({
        ...(s.title ? { title: s.title } : {}),
        rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
      })),
    };
  } else {
    const buttons = i.buttons ?? [];
    if (buttons.length < 1 || buttons.length > 3) throw invalid('A reply-buttons message needs 1 to 3 buttons');
    out.action = { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) };
  }
  return out;
}

function messagesUrl(ctx: ChannelContext<WhatsAppConfig>): string {
  return `${graphBaseUrl(ctx)}/${encodeURIComponent(ctx.config.phoneNumberId)}/messages`;
}

/** Sends one message and returns the `wamid` of `messages[0].id`. */
export async function sendMessage(ctx: ChannelContext<WhatsAppConfig>, message: OutboundMessage): Promise<SendResult> {
  const payload = buildMessagePayload(message);
  const answer = await graphJson(ctx, { method: 'POST', url: messagesUrl(ctx), accessToken: ctx.config.accessToken, body: payload, what: 'send message' });
  const messages = answer.messages;
  const id = Array.isArray(messages) && typeof messages[0]?.id === 'string' ? (messages[0].id as string) : undefined;
  if (!id) throw new ChannelError('PERMANENT', 'WhatsApp accepted the message but returned no message id', { providerCode: 200 });
  return { externalId: id };
}

/** Body of the mark-as-read + typing indicator call for an inbound message id. */
export function typingPayload(messageId: string): Json {
  return { messaging_product: 'whatsapp', status: 'read', message_id: messageId, typing_indicator: { type: 'text' } };
}

/** Marks the chat's last inbound message read and shows "typing…"; no call without that id. */
export async function sendTyping(ctx: ChannelContext<WhatsAppConfig>, target: TypingTarget): Promise<void> {
  if (!target.lastInboundExternalId) return;
  await graphJson(ctx, {
    method: 'POST',
    url: messagesUrl(ctx),
    accessToken: ctx.config.accessToken,
    body: typingPayload(target.lastInboundExternalId),
    what: 'typing indicator',
  });
}
