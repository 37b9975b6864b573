/**
 * WhatsApp "click to chat" (https://faq.whatsapp.com/5913398998672934): `https://wa.me/<number>`
 * with the full international number in digits only (no +, spaces or leading zeros), and an
 * optional prefilled message `?text=<URL-encoded>`.
 */
import type { PublicChannel } from '@parley/sdk';
import type { WhatsAppConfig } from './config.js';

/** Longest prefilled text kept (wa.me links are URLs; browsers and WhatsApp cut long ones). */
export const MAX_CLICK_TEXT = 1000;

/** The wa.me link of a connected number (its `info.displayPhoneNumber`), or null when unknown. */
export function clickToChatLink(channel: Pick<PublicChannel<WhatsAppConfig>, 'info'>, options: { text?: string } = {}): string | null {
  const display = channel.info?.displayPhoneNumber;
  const digits = typeof display === 'string' ? display.replace(/\D/g, '').replace(/^0+/, '') : '';
  if (digits.length < 6 || digits.length > 15) return null;
  const text = options.text?.slice(0, MAX_CLICK_TEXT);
  return `https://wa.me/${digits}${text ? `?text=${encodeURIComponent(text)}` : ''}`;
}
