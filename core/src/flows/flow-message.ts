/**
 * The inbound message as flow nodes see it: the SDK's {@link NodeMessage} (`id`, `type`, `text`)
 * plus, when the normalised message (`sdk/src/messages.ts` `InboundMessage`) carried them, a
 * reference to its media, its location, its shared contact cards and the interactive reply
 * chosen. Built from the stored message row (`messages.media_json` / `content_json`), so every
 * channel plugin that normalises into those shapes (WhatsApp, Telegram, Messenger, web chat)
 * feeds the same fields.
 */
import type { NodeMessage } from '@parley/sdk';

/** A reference to inbound media: Parley keeps the file (downloaded after the commit). */
export interface FlowMediaRef {
  /** Parley's message id (`GET /api/v1/chats/:chatId/messages` shows it with its media). */
  messageId: string | null;
  /** Stored file id (`media_files.id`) once downloaded, else null (download pending). */
  fileId: string | null;
  /** Parley's URL of the stored file (`/api/v1/media/:fileId`), null while not stored. */
  url: string | null;
  /** The provider's media id (WhatsApp media id, Telegram file_id). */
  providerMediaId: string | null;
  mimeType: string | null;
  caption: string | null;
  filename: string | null;
  size: number | null;
}

/** A shared location (`{latitude, longitude, name?, address?, url?}` in the normalised message). */
export interface FlowLocation {
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
  url: string | null;
}

/** A shared contact card (WhatsApp's card shape, which the Telegram plugin also produces). */
export interface FlowContactCard {
  name: string | null;
  /** Phone numbers as given on the card. */
  phones: string[];
  emails: string[];
}

/** NodeMessage plus the structured parts of the inbound message. */
export interface FlowMessage extends NodeMessage {
  media?: FlowMediaRef | null;
  location?: FlowLocation | null;
  contacts?: FlowContactCard[] | null;
  /** An interactive reply (button / list row): the option's id and title. */
  reply?: { id: string | null; title: string | null } | null;
}

const MEDIA = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const num = (v: unknown): number | null => {
  const x = typeof v === 'string' && v.trim() ? Number(v) : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
};

/**
 * Builds the flow view of a stored inbound message. `media` and `content` are the message's
 * stored JSON columns (`StoredMedia`, type-specific content) as written by the inbound pipeline.
 */
export function toFlowMessage(m: { id: string | null; type: string; text: string | null; media?: Record<string, unknown> | null; content?: Record<string, unknown> | null }): FlowMessage {
  const out: FlowMessage = { id: m.id, type: m.type, text: m.text };
  const media = m.media;
  if (MEDIA.has(m.type) && media) {
    const fileId = str(media.fileId);
    out.media = {
      messageId: m.id, fileId, url: fileId ? `/api/v1/media/${fileId}` : null, providerMediaId: str(media.providerMediaId),
      mimeType: str(media.mimeType), caption: str(media.caption), filename: str(media.filename), size: num(media.size),
    };
  }
  const c = m.content ?? {};
  if (m.type === 'location') {
    const latitude = num(c.latitude);
    const longitude = num(c.longitude);
    if (latitude !== null && longitude !== null && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      out.location = { latitude, longitude, name: str(c.name), address: str(c.address), url: str(c.url) };
    }
  }
  if (m.type === 'contacts' && Array.isArray(c.contacts)) {
    out.contacts = c.contacts.filter((x): x is Record<string, any> => !!x && typeof x === 'object').map(contactCard);
  }
  if (m.type === 'interactive' || m.type === 'button') {
    const id = str(c.id) ?? str(c.payload);
    const title = str(c.title) ?? m.text;
    if (id || title) out.reply = { id, title };
  }
  return out;
}

/** `{name:{formatted_name, first_name, last_name}, phones:[{phone}], emails:[{email}]}` → a card. */
function contactCard(card: Record<string, any>): FlowContactCard {
  const n = card.name && typeof card.name === 'object' ? card.name : {};
  const name = str(n.formatted_name) ?? ([str(n.first_name), str(n.last_name)].filter(Boolean).join(' ') || null);
  const list = (v: unknown, key: string) => (Array.isArray(v) ? v.map((p) => (p && typeof p === 'object' ? str((p as Record<string, unknown>)[key]) : null)).filter((p): p is string => !!p) : []);
  return { name, phones: list(card.phones, 'phone'), emails: list(card.emails, 'email') };
}
