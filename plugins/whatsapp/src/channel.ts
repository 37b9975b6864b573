/**
 * The `whatsapp` channel type: WhatsApp Cloud API (Meta Graph API). One platform webhook URL
 * (`/webhooks/whatsapp`), events routed by `accountId` = `metadata.phone_number_id`.
 * WhatsApp has no profile API: names come from webhooks, so `getProfile` is not implemented.
 */
import { defineChannel } from '@parley/sdk';
import { connect } from './account.js';
import { clickToChatLink } from './click-to-chat.js';
import { configSchema, CUSTOMER_SERVICE_WINDOW_MS, parseConfig, secretFields, type WhatsAppConfig } from './config.js';
import { embeddedSignupClientConfig, exchangeEmbeddedSignup } from './embedded-signup.js';
import { downloadMedia } from './media.js';
import { parseWebhookBody } from './parse.js';
import { sendMessage, sendTyping } from './send.js';
import { listTemplates, templateChangedScope, templateScope } from './templates.js';
import { handleHandshake, verifyWebhook } from './webhook.js';

export const whatsappChannel = defineChannel<WhatsAppConfig>({
  type: 'whatsapp',
  displayName: 'WhatsApp',
  configSchema,
  secretFields,
  parseConfig,
  customerServiceWindowMs: CUSTOMER_SERVICE_WINDOW_MS,
  // LIMITS.md: 80 msg/s per business number by default; 1 message per 6 s per recipient,
  // bursts of up to 45 borrow future quota (pair rate limit, error 131056).
  rateLimits: { perAccount: { ratePerSec: 80, burst: 80 }, perRecipient: { ratePerSec: 1 / 6, burst: 45 } },
  simulateTyping: true,
  webhook: {
    routing: 'account',
    handshake: (req, runtime) => handleHandshake(req, runtime),
    verify: (req, runtime) => verifyWebhook(req, runtime),
    parse: (req, runtime) => parseWebhookBody(req.rawBody, runtime.logger),
  },
  connect,
  send: sendMessage,
  sendTyping,
  downloadMedia,
  chatLink: (channel, options) => clickToChatLink(channel, options),
  login: { exchange: exchangeEmbeddedSignup, clientConfig: embeddedSignupClientConfig },
  templates: { list: listTemplates, scope: templateScope, changedScope: templateChangedScope },
});
