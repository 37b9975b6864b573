/**
 * Outbound messages through the Send API: `POST {graph}/me/messages` with the page token, for
 * Messenger and for Instagram (Messenger Platform for Instagram, page token; `me` is the page).
 *
 * Bodies follow the fixtures `messenger/send_text_request__meta_docs.json` and
 * `instagram/send_text_request__meta_docs.json`:
 *   `{"messaging_type":"RESPONSE","recipient":{"id":"<PSID|IGSID>"},"message":{"text":"hello, world!"}}`
 * - media by URL: `message.attachment {type: image|audio|video|file, payload:{url, is_reusable:true}}`
 *   (by a saved asset: `payload.attachment_id`); a caption follows as a separate text message.
 * - buttons / lists → `message.quick_replies [{content_type:"text", title, payload}]` (≤ 13).
 * - Messenger messages carry `message.metadata = "parley:<message id>"`, echoed back in the echo
 *   webhook so that Parley skips the echo of its own sends (parse.ts).
 * Answer (`send_response__meta_docs.json`): `{"recipient_id":"…","message_id":"…"}`.
 *
 * Messaging window: within 24 h of the customer's last message `messaging_type: RESPONSE`;
 * up to 7 days with `messaging_type: MESSAGE_TAG, tag: HUMAN_AGENT` when the channel config has
 * `humanAgentTag: true` (the app has the Human Agent permission); otherwise the send is refused
 * with `OUTSIDE_CUSTOMER_SERVICE_WINDOW` before any call.
 * Typing (`sender_action_typing_on_request__meta_docs.json`): `{"recipient":{"id"},"sender_action":"typing_on"}`.
 */
import { ChannelError, type ChannelContext, type OutboundMessage, type SendResult, type TypingTarget } from '@parley/sdk';
import { graphBaseUrl, HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS, type MessengerConfig } from './config.js';
import { graphJson } from './graph.js';
import { PARLEY_METADATA_PREFIX } from './parse.js';

type Json = Record<string, unknown>;

/** Which Send API flavour: Instagram takes no `metadata`. */
export type SendFlavour = 'messenger' | 'instagram';

/** Messenger text limit (characters); Instagram allows 1000 bytes. */
export const MAX_TEXT = { messenger: 2000, instagram: 1000 } as const;
/** Quick replies per message, and characters per title (Messenger Platform quick replies). */
export const MAX_QUICK_REPLIES = 13;
export const MAX_QUICK_REPLY_TITLE = 20;

const ATTACHMENT_TYPES: Record<string, string> = { image: 'image', audio: 'audio', video: 'video', document: 'file', sticker: 'image' };

const invalid = (message: string) => new ChannelError('INVALID_MESSAGE', message);

/**
 * `messaging_type` (and `tag`) for a send at `now`, given the customer's last message time.
 * Throws `OUTSIDE_CUSTOMER_SERVICE_WINDOW` past the window. An unknown time is treated as
 * inside the window (the host checks the window before queueing).
 */
export function messagingTypeFor(lastInboundAt: number | null | undefined, humanAgentTag: boolean | undefined, now = Date.now()): Json {
  if (lastInboundAt === undefined || lastInboundAt === null) return { messaging_type: 'RESPONSE' };
  const elapsed = now - lastInboundAt;
  if (elapsed <= STANDARD_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  if (humanAgentTag === true && elapsed <= HUMAN_AGENT_WINDOW_MS) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  const hours = Math.floor(elapsed / 3_600_000);
  throw new ChannelError(
    'OUTSIDE_CUSTOMER_SERVICE_WINDOW',
    humanAgentTag === true
      ? `The customer's last message is ${hours} h old: more than 7 days, even the HUMAN_AGENT tag no longer applies`
      : `The customer's last message is ${hours} h old: outside the 24-hour standard messaging window (enable humanAgentTag if the Meta app has the Human Agent permission)`,
  );
}

function textLength(flavour: SendFlavour, text: string): number {
  return flavour === 'instagram' ? Buffer.byteLength(text, 'utf8') : [...text].length;
}

function checkText(flavour: SendFlavour, text: string): void {
  if (text.trim() === '') throw invalid('A text message needs a non-empty text');
  if (textLength(flavour, text) > MAX_TEXT[flavour]) {
    throw invalid(`Text is too long for ${flavour === 'instagram' ? 'Instagram (1000 bytes)' : 'Messenger (2000 characters)'}`);
  }
}

/** The `message` object for a normalised outbound message; throws `INVALID_MESSAGE`. */
export function buildMessageObject(message: OutboundMessage, flavour: SendFlavour): Json {
  const { type } = message;
  if (type === 'text') {
    const text = message.text ?? '';
    checkText(flavour, text);
    return { text };
  }
  const attachmentType = ATTACHMENT_TYPES[type];
  if (attachmentType) {
    const media = message.media;
    let payload: Json;
    if (media?.url) payload = { url: media.url, is_reusable: true };
    else if (media?.providerMediaId) payload = { attachment_id: media.providerMediaId };
    else throw invalid(`A ${type} message needs media.url or media.providerMediaId (a saved attachment id)`);
    return { attachment: { type: attachmentType, payload } };
  }
  if (type === 'interactive') {
    const i = message.interactive;
    if (!i?.body) throw invalid('An interactive message needs interactive.body');
    checkText(flavour, i.body);
    const options = i.kind === 'list' ? (i.sections ?? []).flatMap((s) => s.rows) : (i.buttons ?? []);
    if (options.length < 1 || options.length > MAX_QUICK_REPLIES) throw invalid(`Quick replies: 1 to ${MAX_QUICK_REPLIES} options`);
    return {
      text: i.body,
      quick_replies: options.map((o) => ({ content_type: 'text', title: [...o.title].slice(0, MAX_QUICK_REPLY_TITLE).join(''), payload: o.id })),
    };
  }
  throw invalid(`${flavour === 'instagram' ? 'Instagram' : 'Messenger'} cannot send messages of type "${type}"`);
}

/** The full Send API body of one message. */
export function buildSendBody(message: OutboundMessage, flavour: SendFlavour, config: Pick<MessengerConfig, 'humanAgentTag'>, now = Date.now()): Json {
  if (!message.to.externalId) throw invalid('Recipient has no page-scoped (or Instagram-scoped) id');
  const body: Json = { recipient: { id: message.to.externalId }, ...messagingTypeFor(message.to.lastInboundAt, config.humanAgentTag, now) };
  const object = buildMessageObject(message, flavour);
  if (flavour === 'messenger') object.metadata = `${PARLEY_METADATA_PREFIX}${message.id}`;
  body.message = object;
  return body;
}

/** `{graph}/me/messages` (the page of the token). */
export function messagesUrl(ctx: Pick<ChannelContext<MessengerConfig>, 'setting'>): string {
  return `${graphBaseUrl(ctx)}/me/messages`;
}

async function post(ctx: ChannelContext<MessengerConfig>, body: Json, what: string): Promise<Record<string, unknown>> {
  return graphJson(ctx, { method: 'POST', url: messagesUrl(ctx), accessToken: ctx.config.pageAccessToken, body, what });
}

/** Sends one message and returns the `message_id` (mid). A media caption follows as a second text message. */
export async function sendMessage(ctx: ChannelContext<MessengerConfig>, message: OutboundMessage, flavour: SendFlavour): Promise<SendResult> {
  const body = buildSendBody(message, flavour, ctx.config);
  const answer = await post(ctx, body, 'send message');
  const id = typeof answer.message_id === 'string' && answer.message_id !== '' ? answer.message_id : undefined;
  if (!id) throw new ChannelError('PERMANENT', 'Meta accepted the message but returned no message_id', { providerCode: 200 });
  const caption = ATTACHMENT_TYPES[message.type] ? (message.media?.caption ?? message.text ?? '').trim() : '';
  if (caption) {
    // best effort: the attachment went out; a failed caption must not resend it
    const captionBody = buildSendBody({ ...message, type: 'text', text: caption, media: null, id: `${message.id}:caption` }, flavour, ctx.config);
    await post(ctx, captionBody, 'send caption').catch((err: unknown) => ctx.logger.warn({ err, messageId: message.id }, 'caption not sent'));
  }
  return { externalId: id };
}

/** Body of the typing indicator. */
export function typingBody(recipientId: string): Json {
  return { recipient: { id: recipientId }, sender_action: 'typing_on' };
}

/** Shows "typing…" to the customer (`sender_action: typing_on`). */
export async function sendTyping(ctx: ChannelContext<MessengerConfig>, target: TypingTarget): Promise<void> {
  if (!target.to.externalId) return;
  await post(ctx, typingBody(target.to.externalId), 'typing indicator');
}
