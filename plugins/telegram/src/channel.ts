/**
 * The `telegram` channel type: a bot on the Telegram Bot API. One webhook URL per channel
 * (`/webhooks/telegram/<channelId>`), authenticated by the per-channel secret token header.
 * The conversation is the Telegram chat (private chat = the user; groups too).
 */
import { defineChannel } from '@parley/sdk';
import { connect, disconnect } from './account.js';
import { configSchema, parseConfig, secretFields, type TelegramConfig } from './config.js';
import { downloadMedia, getProfile } from './media.js';
import { parseUpdateBody } from './parse.js';
import { sendMessage, sendTyping } from './send.js';
import { verifyWebhook } from './webhook.js';

export const telegramChannel = defineChannel<TelegramConfig>({
  type: 'telegram',
  displayName: 'Telegram',
  configSchema,
  secretFields,
  parseConfig,
  // LIMITS.md: flood limits are not precisely documented; commonly ~1 msg/s per chat and
  // ~30 msg/s overall. 429 answers carry retry_after, which the dispatcher honours.
  rateLimits: { perAccount: { ratePerSec: 30, burst: 30 }, perRecipient: { ratePerSec: 1, burst: 3 } },
  simulateTyping: true,
  webhook: {
    routing: 'channel',
    verify: (req, _runtime, config) => verifyWebhook(req, config),
    parse: (req, runtime) => parseUpdateBody(req.rawBody, runtime.logger),
  },
  connect,
  disconnect,
  send: sendMessage,
  sendTyping,
  getProfile,
  downloadMedia,
});
