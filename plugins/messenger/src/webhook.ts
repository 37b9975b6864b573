/**
 * Meta webhook handshake and signature check, as for WhatsApp (Graph API webhooks "getting
 * started"): one app-level URL per object (`/webhooks/messenger` for `object: "page"`,
 * `/webhooks/instagram` for `object: "instagram"`), both verified with the platform's Meta app.
 *
 * Handshake: `GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<META_VERIFY_TOKEN>`
 *   → 200 text/plain `<n>`; a wrong token → 403.
 * Signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(META_APP_SECRET, raw body bytes)>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PluginRuntime, WebhookRequest, WebhookResponse } from '@parley/sdk';
import { SETTINGS } from './config.js';

/** Timing-safe string comparison that also handles different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * Answers Meta's verification GET. Null when the request is not a handshake (not a GET or no
 * `hub.mode`); 403 when the mode or token is wrong or `META_VERIFY_TOKEN` is unset.
 */
export function handleHandshake(req: WebhookRequest, runtime: Pick<PluginRuntime, 'setting'>): WebhookResponse | null {
  if (req.method.toUpperCase() !== 'GET') return null;
  const mode = req.query['hub.mode'];
  if (mode === undefined) return null;
  const expected = runtime.setting(SETTINGS.verifyToken);
  const token = req.query['hub.verify_token'] ?? '';
  if (mode !== 'subscribe' || !expected || !safeEqual(token, expected)) {
    return { status: 403, body: 'Forbidden', contentType: 'text/plain' };
  }
  const challenge = req.query['hub.challenge'];
  if (challenge === undefined) return { status: 400, body: 'Missing hub.challenge', contentType: 'text/plain' };
  return { status: 200, body: challenge, contentType: 'text/plain' };
}

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Hub-Signature-256` over the exact raw bytes (timing-safe). False when
 * `META_APP_SECRET` is unset, or the header is missing or malformed.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string | undefined): boolean {
  if (!appSecret || typeof header !== 'string') return false;
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `webhook.verify` of both channel types: signature from the headers, secret from the settings. */
export function verifyWebhook(req: WebhookRequest, runtime: Pick<PluginRuntime, 'setting'>): boolean {
  return verifySignature(req.rawBody, req.headers['x-hub-signature-256'], runtime.setting(SETTINGS.appSecret));
}
