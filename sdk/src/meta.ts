/**
 * Helpers for Meta webhooks (WhatsApp, Messenger, Instagram share them), per the Graph API
 * webhooks "getting started" doc:
 * - handshake: `GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<token>` → 200 text/plain `<n>`;
 * - signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest, WebhookResponse } from './channel.js';

/** Timing-safe string comparison that also handles different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left); // burn comparable time, then fail
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * Answers Meta's verification GET. Null when the request is not a handshake (not a GET or no
 * `hub.mode`); 403 when the mode or token is wrong or `verifyToken` is unset; 400 without a challenge.
 */
export function answerMetaHandshake(req: WebhookRequest, verifyToken: string | undefined): WebhookResponse | null {
  if (req.method.toUpperCase() !== 'GET') return null;
  const mode = req.query['hub.mode'];
  if (mode === undefined) return null;
  const token = req.query['hub.verify_token'] ?? '';
  if (mode !== 'subscribe' || !verifyToken || !safeEqual(token, verifyToken)) {
    return { status: 403, body: 'Forbidden', contentType: 'text/plain' };
  }
  const challenge = req.query['hub.challenge'];
  if (challenge === undefined) return { status: 400, body: 'Missing hub.challenge', contentType: 'text/plain' };
  return { status: 200, body: challenge, contentType: 'text/plain' };
}

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks an `X-Hub-Signature-256` header over the exact raw bytes (timing-safe). False when the
 * secret is unset, or the header is missing or malformed.
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, appSecret: string | undefined): boolean {
  if (!appSecret || typeof header !== 'string') return false;
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
