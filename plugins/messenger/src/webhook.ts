/**
 * Meta webhook handshake and signature check, as for WhatsApp (the SDK's shared Meta helpers):
 * one app-level URL per object (`/webhooks/messenger` for `object: "page"`, `/webhooks/instagram`
 * for `object: "instagram"`), both verified with the platform's Meta app.
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

/** `webhook.verify` of both channel types: signature from the headers, secret from the settings. */
export function verifyWebhook(req: WebhookRequest, runtime: Pick<PluginRuntime, 'setting'>): boolean {
  return verifySignature(req.rawBody, req.headers['x-hub-signature-256'], runtime.setting(SETTINGS.appSecret));
}
