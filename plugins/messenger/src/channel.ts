/**
 * The `messenger` (Facebook Page) and `instagram` (Instagram professional account) channel
 * types: Messenger Platform over the Graph API with the page's access token. One platform
 * webhook URL per object (`/webhooks/messenger` for `object: "page"`, `/webhooks/instagram` for
 * `object: "instagram"`), events routed by `accountId` = `entry[].id` (page id or Instagram
 * account id). The conversation is the customer's PSID / IGSID.
 */
import { defineChannel, type ChannelDefinition } from '@parley/sdk';
import { connectInstagram, connectMessenger } from './account.js';
import {
  instagramConfigSchema,
  messengerConfigSchema,
  parseInstagramConfig,
  parseMessengerConfig,
  secretFields,
  STANDARD_WINDOW_MS,
  windowOf,
  type InstagramConfig,
  type MessengerConfig,
} from './config.js';
import { exchangeLoginCode } from './login.js';
import { parseWebhookBody } from './parse.js';
import { downloadMedia, getProfile } from './profile.js';
import { sendMessage, sendTyping } from './send.js';
import { handleHandshake, verifyWebhook } from './webhook.js';

/** What both channel types share. */
function common<C extends MessengerConfig>(type: 'messenger' | 'instagram'): Omit<ChannelDefinition<C>, 'type' | 'displayName' | 'configSchema' | 'parseConfig' | 'connect'> {
  return {
    secretFields,
    // 24 h standard messaging window; 7 days when the channel may use the HUMAN_AGENT tag
    customerServiceWindowMs: STANDARD_WINDOW_MS,
    customerServiceWindowFor: (config) => windowOf(config),
    // Meta does not publish a fixed Send API rate; Graph page-level limits apply (codes 4/32/613,
    // retried after 60 s). Keep well below them and pace each conversation.
    rateLimits: { perAccount: { ratePerSec: 40, burst: 40 }, perRecipient: { ratePerSec: 1, burst: 5 } },
    simulateTyping: true,
    webhook: {
      routing: 'account',
      handshake: (req, runtime) => handleHandshake(req, runtime),
      verify: (req, runtime) => verifyWebhook(req, runtime),
      parse: (req, runtime) => parseWebhookBody(req.rawBody, type, runtime.logger),
    },
    send: (ctx, message) => sendMessage(ctx, message, type),
    sendTyping,
    getProfile: (ctx, userId) => getProfile(ctx, userId, type),
    downloadMedia,
    login: { exchange: exchangeLoginCode },
  };
}

export const messengerChannel = defineChannel<MessengerConfig>({
  type: 'messenger',
  displayName: 'Facebook Messenger',
  configSchema: messengerConfigSchema,
  parseConfig: parseMessengerConfig,
  connect: connectMessenger,
  ...common<MessengerConfig>('messenger'),
});

export const instagramChannel = defineChannel<InstagramConfig>({
  type: 'instagram',
  displayName: 'Instagram',
  configSchema: instagramConfigSchema,
  parseConfig: parseInstagramConfig,
  connect: connectInstagram,
  ...common<InstagramConfig>('instagram'),
});
