/**
 * Meta webhook handshake and signature check (Graph API webhooks "getting started" doc), through
 * the SDK's shared Meta helpers.
 *
 * Handshake (fixture `webhook_verification_get__meta_docs.json`):
 *   GET ?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=<META_VERIFY_TOKEN>
 *   → 200 text/plain `1158201444`; a wrong token → 403.
 * Signature (fixture `webhook_signature_x_hub_signature_256__computed.json`):
 *   `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(META_APP_SECRET, raw body bytes)>`.
 */
import { answerMetaHandshake, safeEqual, verifyMetaSignature, type PluginRuntime, type WebhookRequest, type WebhookResponse } from '@parley/sdk';
import { SETTINGS } from './config.js';

export { safeEqual };

/** Meta's verification GET against `META_VERIFY_TOKEN` (see {@link answerMetaHandshake}). */
export function handleHandshake(req: WebhookRequest, runtime: Pick<PluginRuntime, 'setting'>): WebhookResponse | null {
  return answerMetaHandshake(req, runtime.setting(SETTINGS.verifyToken));
}

/** `X-Hub-Signature-256` over the raw bytes (see {@link verifyMetaSignature}). */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string | undefined): boolean {
  return verifyMetaSignature(rawBody, header, appSecret);
}

/** `webhook.verify` of the channel: signature from the request headers, secret from the settings. */
export function verifyWebhook(req: WebhookRequest, runtime: Pick<PluginRuntime, 'setting'>): boolean {
  return verifySignature(req.rawBody, req.headers['x-hub-signature-256'], runtime.setting(SETTINGS.appSecret));
}
