/**
 * Agent and bot replies: the dispatcher calls `send`, which pushes the message to the
 * visitor's open widgets through the host (`ctx.push`); `sendTyping` pushes a typing event.
 * The stored message is the history: a visitor who is offline sees it on the next visit.
 */
import { ChannelError, type ChannelContext, type OutboundMessage, type TypingTarget } from '@parley/sdk';
import type { WebchatConfig } from './config.js';

/** The JSON the widget renders for an agent's message (also the shape of the host's history). */
export interface WidgetMessage {
  id: string;
  direction: 'out';
  senderType: 'agent';
  type: string;
  text: string | null;
  media: { url: string | null; mimeType: string | null; filename: string | null; caption: string | null } | null;
  buttons?: { id: string; title: string }[];
  status: 'sent';
  createdAt: string;
}

const SENDABLE = new Set(['text', 'image', 'document', 'video', 'audio', 'sticker', 'interactive']);

/** Builds the widget message of an outbound message. @throws ChannelError INVALID_MESSAGE for types the widget cannot show. */
export function widgetMessage(message: OutboundMessage, now = Date.now()): WidgetMessage {
  if (!SENDABLE.has(message.type)) throw new ChannelError('INVALID_MESSAGE', `The web chat cannot show ${message.type} messages`);
  const media = message.media
    ? { url: message.media.url ?? null, mimeType: message.media.mimeType ?? null, filename: message.media.filename ?? null, caption: message.media.caption ?? null }
    : null;
  if (message.type !== 'text' && message.type !== 'interactive' && !media?.url) throw new ChannelError('INVALID_MESSAGE', 'Web chat media needs a URL (upload it to Parley first)');
  const out: WidgetMessage = {
    id: message.id, direction: 'out', senderType: 'agent', type: message.type,
    text: message.type === 'interactive' ? (message.interactive?.body ?? message.text ?? null) : (message.text ?? media?.caption ?? null),
    media, status: 'sent', createdAt: new Date(now).toISOString(),
  };
  const buttons = message.interactive?.buttons ?? message.interactive?.sections?.flatMap((s) => s.rows.map((r) => ({ id: r.id, title: r.title })));
  if (buttons?.length) out.buttons = buttons.map((b) => ({ id: b.id, title: b.title }));
  return out;
}

function pushOf(ctx: ChannelContext<WebchatConfig>) {
  if (!ctx.push) throw new ChannelError('PERMANENT', 'This host cannot deliver web chat messages (no ChannelContext.push)');
  return ctx.push;
}

export async function sendMessage(ctx: ChannelContext<WebchatConfig>, message: OutboundMessage): Promise<{ externalId: string }> {
  const msg = widgetMessage(message);
  await pushOf(ctx)(message.to.externalId, { type: 'typing', data: { on: false } });
  await pushOf(ctx)(message.to.externalId, { type: 'message', data: { message: msg as unknown as Record<string, unknown> } });
  return { externalId: `out:${message.id}` };
}

export async function sendTyping(ctx: ChannelContext<WebchatConfig>, target: TypingTarget): Promise<void> {
  await pushOf(ctx)(target.to.externalId, { type: 'typing', data: { on: true } });
}
