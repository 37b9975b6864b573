/**
 * Webhook authenticity (Bot API setWebhook; fixture `webhook_post_headers__bot_api_docs.json`).
 *
 * Telegram has no body signature: when `setWebhook` was given a `secret_token` (1–256 chars of
 * `A-Z a-z 0-9 _ -`), every update POST carries it in `X-Telegram-Bot-Api-Secret-Token`.
 * Parley generates one per channel at connect and compares the header with it in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from '@parley/sdk';
import type { TelegramConfig } from './config.js';

/** Header carrying the secret (lower-cased, as the host gives headers). */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Allowed alphabet and length of `secret_token` (Bot API setWebhook). */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** A fresh random secret: 48 base64url characters (288 bits), within the allowed alphabet. */
export function generateWebhookSecret(): string {
  return randomBytes(36).toString('base64url');
}

/** Timing-safe string comparison that also handles different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Burn comparable time, then fail.
    timingSafeEqual(right, right);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * `webhook.verify` of the channel: true when the header equals the channel's `webhookSecret`.
 * False when the channel has no secret (never accept unauthenticated updates), or the header
 * is missing or different.
 */
export function verifyWebhook(req: WebhookRequest, config?: Partial<TelegramConfig>): boolean {
  const expected = config?.webhookSecret;
  const given = req.headers[SECRET_HEADER];
  if (typeof expected !== 'string' || expected === '' || typeof given !== 'string') return false;
  return safeEqual(given, expected);
}
