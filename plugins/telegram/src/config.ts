/**
 * Channel config and platform settings of the Telegram Bot API plugin.
 *
 * Config (per connected bot, DESIGN.md §4): `{botToken}` as entered by the admin, plus
 * `webhookSecret`, generated at connect and stored through `configPatch`. Both are secrets
 * (encrypted at rest by the host, never returned by the API).
 * Settings (platform-wide, DESIGN.md §3): `TELEGRAM_API_URL` (Bot API base, tests point it at
 * telegram-test-api) and `PUBLIC_URL` (where Telegram posts updates: `PUBLIC_URL/webhooks/telegram/<channelId>`).
 */
import { ChannelError, type JsonSchema, type PluginRuntime } from '@parley/sdk';

/** Config of one connected bot. */
export interface TelegramConfig {
  /** Token from @BotFather, `<bot id>:<secret>`; part of every Bot API URL. */
  botToken: string;
  /** `secret_token` registered with `setWebhook`; Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token`. */
  webhookSecret?: string;
}

/** Bot API base used when `TELEGRAM_API_URL` is unset. */
export const DEFAULT_TELEGRAM_API_URL = 'https://api.telegram.org';

/** Timeout of every Bot API call, in ms. */
export const BOT_API_TIMEOUT_MS = 15_000;

/** Names of the platform settings this plugin reads. */
export const SETTINGS = {
  apiUrl: 'TELEGRAM_API_URL',
  publicUrl: 'PUBLIC_URL',
} as const;

/**
 * Bot token format (Bot API "Authorizing your bot": `123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11`).
 * The token travels in URL paths, so nothing outside this alphabet is accepted.
 */
export const BOT_TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{1,128}$/;

/** JSON Schema of the admin-entered part of {@link TelegramConfig}, for generic forms. */
export const configSchema: JsonSchema = {
  type: 'object',
  required: ['botToken'],
  additionalProperties: false,
  properties: {
    botToken: {
      type: 'string',
      title: 'Bot token',
      description: 'The token @BotFather gave you, e.g. 123456789:AAH…',
      pattern: BOT_TOKEN_PATTERN.source,
      writeOnly: true,
    },
  },
};

/** Fields of the config that are secrets. */
export const secretFields = ['botToken', 'webhookSecret'] as const;

/**
 * Validates raw config input and returns `{botToken}` (trimmed). Any `webhookSecret` in the
 * input is dropped: it is generated at connect. Throws `ChannelError('INVALID_CONFIG')`.
 */
export function parseConfig(input: unknown): TelegramConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChannelError('INVALID_CONFIG', 'Telegram config must be an object {botToken}');
  }
  const token = (input as Record<string, unknown>).botToken;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ChannelError('INVALID_CONFIG', 'Invalid Telegram config: botToken is required (non-empty string)');
  }
  const botToken = token.trim();
  if (!BOT_TOKEN_PATTERN.test(botToken)) {
    throw new ChannelError('INVALID_CONFIG', 'Invalid Telegram config: botToken must look like 123456789:AAH… (digits, a colon, then letters, digits, _ or -)');
  }
  return { botToken };
}

/** Bot API base URL from `TELEGRAM_API_URL` (default {@link DEFAULT_TELEGRAM_API_URL}), without trailing slash. */
export function apiBaseUrl(runtime: Pick<PluginRuntime, 'setting'>): string {
  const configured = runtime.setting(SETTINGS.apiUrl)?.trim();
  return (configured || DEFAULT_TELEGRAM_API_URL).replace(/\/+$/, '');
}

/** The URL Telegram posts a channel's updates to: `PUBLIC_URL/webhooks/telegram/<channelId>`. */
export function webhookUrl(runtime: Pick<PluginRuntime, 'setting'>, channelId: string): string {
  const base = runtime.setting(SETTINGS.publicUrl)?.trim().replace(/\/+$/, '');
  if (!base) throw new ChannelError('INVALID_CONFIG', 'PUBLIC_URL is not set: Telegram needs a public HTTPS URL to send updates to');
  return `${base}/webhooks/telegram/${encodeURIComponent(channelId)}`;
}
