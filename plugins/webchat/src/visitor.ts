/**
 * Visitor messages. Visitors never post to `/webhooks/webchat/...` themselves: the host's
 * visitor API (`POST /webchat/:channelId/messages`) authenticates the visitor token, stores an
 * uploaded image, and hands this plugin a body it built itself ({@link VisitorMessageBody}),
 * which `parse` turns into a normalised inbound message.
 */
import { WebhookParseError, type InboundMessage } from '@parley/sdk';

/** What the host passes to `webhook.parse` for one visitor message (JSON). */
export interface VisitorMessageBody {
  visitor: { id: string; name?: string | null; email?: string | null };
  message: {
    /** Client-generated id (dedupe key: a retried POST is stored once). */
    id: string;
    type: 'text' | 'image';
    text?: string | null;
    /** An image the host already stored. */
    file?: { id: string; mimeType: string; size?: number; filename?: string | null } | null;
  };
  /** Epoch ms the host received it. */
  receivedAt: number;
}

export const MAX_TEXT = 4000;
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The message's provider id: unique per channel because it starts with the visitor id. */
export const externalIdOf = (visitorId: string, clientId: string) => `${visitorId}:${clientId}`;

/** Parses a {@link VisitorMessageBody}. @throws WebhookParseError for anything else. */
export function parseVisitorMessage(raw: Buffer): InboundMessage[] {
  let body: VisitorMessageBody;
  try {
    body = JSON.parse(raw.toString('utf8')) as VisitorMessageBody;
  } catch {
    throw new WebhookParseError('web chat body is not JSON');
  }
  const v = body?.visitor;
  const m = body?.message;
  if (!v || typeof v.id !== 'string' || !ID_PATTERN.test(v.id)) throw new WebhookParseError('visitor.id missing or invalid');
  if (!m || typeof m.id !== 'string' || !ID_PATTERN.test(m.id)) throw new WebhookParseError('message.id missing or invalid');
  const text = typeof m.text === 'string' ? m.text.slice(0, MAX_TEXT) : null;
  const sender = { externalId: v.id, name: typeof v.name === 'string' && v.name ? v.name : null, email: typeof v.email === 'string' && v.email ? v.email : null };
  const base = { kind: 'message' as const, accountId: '', externalId: externalIdOf(v.id, m.id), direction: 'in' as const, sender, timestamp: Number(body.receivedAt) || Date.now() };
  if (m.type === 'text') {
    if (!text || !text.trim()) throw new WebhookParseError('a text message needs text');
    return [{ ...base, type: 'text', text }];
  }
  if (m.type === 'image') {
    const f = m.file;
    if (!f || typeof f.id !== 'string' || typeof f.mimeType !== 'string' || !f.mimeType.startsWith('image/')) throw new WebhookParseError('an image message needs a stored image file');
    return [{
      ...base, type: 'image', text: text || null,
      media: { hostFileId: f.id, mimeType: f.mimeType, size: f.size, filename: f.filename ?? undefined, caption: text || undefined },
    }];
  }
  throw new WebhookParseError(`unsupported web chat message type ${String(m.type)}`);
}
