/**
 * @parley/plugin-messenger — Facebook Messenger and Instagram messaging channels for Parley
 * (Messenger Platform, page access tokens, Facebook Login for Business).
 * Default export: the plugin (`setup` registers the `messenger` and `instagram` channels).
 * Named exports are the building blocks, for tests and for hosts that want them directly.
 */
import { definePlugin } from '@parley/sdk';
import { instagramChannel, messengerChannel } from './channel.js';

export { instagramChannel, messengerChannel } from './channel.js';
export { connectInstagram, connectMessenger, subscribePage, INSTAGRAM_FIELDS, PAGE_FIELDS, SUBSCRIBED_FIELDS } from './account.js';
export {
  DEFAULT_GRAPH_URL, GRAPH_TIMEOUT_MS, HUMAN_AGENT_WINDOW_MS, ID_PATTERN, SETTINGS, STANDARD_WINDOW_MS, graphBaseUrl, instagramConfigSchema, messengerConfigSchema,
  parseInstagramConfig, parseMessengerConfig, secretFields, windowOf, type InstagramConfig, type MessengerConfig, type MetaMessagingConfig,
} from './config.js';
export { classifyGraphError, graphErrorOf, mapGraphError, mapNetworkError, NO_MATCHING_USER_SUBCODE, OUTSIDE_WINDOW_SUBCODE, RATE_LIMIT_RETRY_MS, type GraphErrorObject } from './errors.js';
export { graphFetch, graphJson, readBody, type GraphCall } from './graph.js';
export { idString, parseJsonLosslessly } from './json.js';
export { ACCOUNT_FIELDS, accountsOfPage, exchangeLoginCode, listAccounts, userTokenForCode } from './login.js';
export { PARLEY_METADATA_PREFIX, WEBHOOK_OBJECT, parseAttachment, parseMessagingEvent, parseWebhookBody, partiesOf, toMillis } from './parse.js';
export { PROFILE_FIELDS, downloadMedia, filenameFromDisposition, getProfile } from './profile.js';
export { MAX_QUICK_REPLIES, MAX_QUICK_REPLY_TITLE, MAX_TEXT, buildMessageObject, buildSendBody, messagesUrl, messagingTypeFor, sendMessage, sendTyping, typingBody, type SendFlavour } from './send.js';
export { handleHandshake, safeEqual, verifySignature, verifyWebhook } from './webhook.js';

export default definePlugin({
  id: 'messenger',
  setup(host) {
    host.registerChannel(messengerChannel);
    host.registerChannel(instagramChannel);
  },
});
