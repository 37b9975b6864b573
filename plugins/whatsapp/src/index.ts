/**
 * @parley/plugin-whatsapp — WhatsApp Cloud API channel for Parley.
 * Default export: the plugin (`setup` registers the `whatsapp` channel). Named exports are the
 * building blocks, for tests and for hosts that want them directly.
 */
import { definePlugin } from '@parley/sdk';
import { whatsappChannel } from './channel.js';

export { whatsappChannel } from './channel.js';
export { connect, PHONE_FIELDS } from './account.js';
export { clickToChatLink, MAX_CLICK_TEXT } from './click-to-chat.js';
export { configSchema, parseConfig, graphBaseUrl, secretFields, SETTINGS, DEFAULT_GRAPH_URL, GRAPH_TIMEOUT_MS, CUSTOMER_SERVICE_WINDOW_MS, type WhatsAppConfig } from './config.js';
export { mapGraphError, classifyGraphError, mapNetworkError, mapWebhookErrors, graphErrorOf, type GraphErrorObject } from './errors.js';
export { EMBEDDED_SIGNUP_SETTINGS, FACEBOOK_SDK_URL, SESSION_INFO_VERSION, embeddedSignupClientConfig, embeddedSignupInput, exchangeEmbeddedSignup } from './embedded-signup.js';
export { downloadMedia, retrieveMediaUrl, type MediaUrlInfo } from './media.js';
export { parseWebhookBody, resolveSender, toMillis } from './parse.js';
export { buildMessagePayload, recipientFields, sendMessage, sendTyping, typingPayload } from './send.js';
export { countPlaceholders, listTemplates, MAX_TEMPLATE_PAGES, TEMPLATE_FIELDS, TEMPLATE_PAGE_SIZE, TEMPLATE_STATUS_FIELD, templateChangedScope, templateScope, toMessageTemplate } from './templates.js';
export { handleHandshake, verifySignature, verifyWebhook, safeEqual } from './webhook.js';

export default definePlugin({
  id: 'whatsapp',
  setup(host) {
    host.registerChannel(whatsappChannel);
  },
});
