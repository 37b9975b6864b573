import type { Chat } from '../api/types.js';

export const WINDOW_MS = 24 * 3600 * 1000;

/** Channel types with a customer-service window (WhatsApp: 24 h since the customer's last message). */
const WINDOWED = new Set(['whatsapp']);

/** Whether free-form messages are refused now (the composer is disabled with a notice). */
export function windowClosed(chat: Pick<Chat, 'lastInboundAt'>, channelType: string | undefined, now = Date.now()): boolean {
  if (!channelType || !WINDOWED.has(channelType)) return false;
  return !chat.lastInboundAt || now - Date.parse(chat.lastInboundAt) > WINDOW_MS;
}
