/**
 * @parley/plugin-telegram — Telegram Bot API channel for Parley.
 * Default export: the plugin (`setup` registers the `telegram` channel). Named exports are the
 * building blocks, for tests and for hosts that want them directly.
 */
import { definePlugin } from '@parley/sdk';
import { telegramChannel } from './channel.js';

export { telegramChannel } from './channel.js';
export { ALLOWED_UPDATES, MAX_CONNECTIONS, assertWebhookFree, connect, disconnect, setWebhookParams } from './account.js';
export { botFetch, callBotApi, readBody } from './bot-api.js';
export { BOT_API_TIMEOUT_MS, BOT_TOKEN_PATTERN, DEFAULT_TELEGRAM_API_URL, SETTINGS, apiBaseUrl, configSchema, parseConfig, secretFields, webhookUrl, type TelegramConfig } from './config.js';
export { botApiFailureOf, classifyBotApiError, mapBotApiError, mapNetworkError, redact, type BotApiFailure } from './errors.js';
export { idParam, idString, parseJsonLosslessly } from './json.js';
export { downloadMedia, getFilePath, getProfile, mimeTypeOfPath, profilePhotosParams } from './media.js';
export { largestPhoto, parseCallbackQuery, parseContact, parseMessage, parseMessageBody, parseUpdate, parseUpdateBody, personName, senderOfChat, toMillis } from './parse.js';
export { MAX_CALLBACK_DATA_BYTES, MAX_CAPTION, MAX_TEXT, buildSendRequest, chatIdOf, messageIdOf, sendMessage, sendTyping, typingParams, type BotApiRequest } from './send.js';
export { SECRET_HEADER, SECRET_TOKEN_PATTERN, generateWebhookSecret, safeEqual, verifyWebhook } from './webhook.js';

export default definePlugin({
  id: 'telegram',
  setup(host) {
    host.registerChannel(telegramChannel);
  },
});
