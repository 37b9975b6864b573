/**
 * Connecting and disconnecting a bot (Bot API getMe, setWebhook, deleteWebhook).
 *
 * connect:
 * 1. `getMe` validates the token (fixture `response_getMe__go_test_fixture.json`:
 *    `{"ok":true,"result":{"id":5556648742,"is_bot":true,"first_name":…,"username":…}}`);
 *    401/404 → `INVALID_CREDENTIALS`.
 * 2. `getWebhookInfo`: refuses a bot whose webhook already feeds another channel of this Parley.
 * 3. `setWebhook` (fixture `request_setWebhook__assembled_from_bot_api_docs.json`) with
 *    `url = PUBLIC_URL/webhooks/telegram/<channelId>`, a fresh random `secret_token` and the
 *    update types Parley reads; answer `{"ok":true,"result":true,"description":"Webhook was set"}`.
 * The account id is the bot id (a string); the secret goes back to the host as `configPatch`.
 */
import { ChannelError, type ChannelContext, type ConnectResult } from '@parley/sdk';
import { callBotApi } from './bot-api.js';
import { webhookUrl, type TelegramConfig } from './config.js';
import { idString } from './json.js';
import { generateWebhookSecret } from './webhook.js';

/** Update types Parley asks Telegram for (others are never sent to the webhook). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

/** Concurrent webhook connections Telegram may open (Bot API default 40, range 1–100). */
export const MAX_CONNECTIONS = 40;

/** The `getMe` result, as far as Parley reads it. */
interface BotUser {
  id?: number | string;
  is_bot?: boolean;
  first_name?: string;
  username?: string;
}

/** Body of the `setWebhook` call. */
export function setWebhookParams(url: string, secretToken: string): Record<string, unknown> {
  return { url, secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false, max_connections: MAX_CONNECTIONS };
}

/**
 * Validates the token, registers the webhook with a new secret, and returns
 * `{accountId: <bot id>, info: {username, firstName}, configPatch: {webhookSecret}}`.
 */
export async function connect(ctx: ChannelContext<TelegramConfig>): Promise<ConnectResult> {
  const token = ctx.config.botToken;
  const url = webhookUrl(ctx, ctx.channelId);
  const me = await callBotApi<BotUser>(ctx, token, 'getMe', {}, 'connect (getMe)');
  const accountId = idString(me?.id);
  if (!accountId) throw new ChannelError('PERMANENT', 'connect (getMe): the Telegram Bot API returned no bot id');
  await assertWebhookFree(ctx, url);
  const webhookSecret = generateWebhookSecret();
  try {
    await callBotApi(ctx, token, 'setWebhook', setWebhookParams(url, webhookSecret), 'connect (setWebhook)');
  } catch (err) {
    // e.g. 400 "bad webhook: HTTPS url must be provided for webhook": PUBLIC_URL is not usable.
    if (err instanceof ChannelError && err.code === 'INVALID_MESSAGE') {
      throw new ChannelError('PERMANENT', `Telegram refused the webhook URL ${url}: ${err.providerMessage ?? err.message} (PUBLIC_URL must be HTTPS on port 443, 80, 88 or 8443)`, {
        providerCode: err.providerCode,
        providerMessage: err.providerMessage,
        cause: err,
      });
    }
    throw err;
  }
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    accountId,
    info: { username: text(me.username), firstName: text(me.first_name) },
    configPatch: { webhookSecret },
  };
}

/** The `getWebhookInfo` result, as far as Parley reads it (fixture `object_webhook_info__pytelegrambotapi.json`). */
interface WebhookInfo {
  url?: string;
  pending_update_count?: number;
  last_error_message?: string;
}

/**
 * A bot has one webhook: `setWebhook` for a second Parley channel would silently take the
 * updates away from the first one. Refuses (`INVALID_CONFIG`) when the bot's webhook already
 * points at another channel of this Parley (`PUBLIC_URL/webhooks/telegram/<other id>`).
 * Webhooks elsewhere (another tool, an old deployment) are replaced, as Telegram allows.
 */
export async function assertWebhookFree(ctx: ChannelContext<TelegramConfig>, ownUrl: string): Promise<void> {
  const info = await callBotApi<WebhookInfo>(ctx, ctx.config.botToken, 'getWebhookInfo', {}, 'connect (getWebhookInfo)');
  const current = typeof info?.url === 'string' ? info.url : '';
  const prefix = ownUrl.slice(0, ownUrl.lastIndexOf('/') + 1);
  if (current !== '' && current !== ownUrl && current.startsWith(prefix)) {
    const other = decodeURIComponent(current.slice(prefix.length));
    throw new ChannelError(
      'INVALID_CONFIG',
      `This bot is already connected to Parley (channel ${other}); a bot can feed only one channel. Disconnect that channel first, or if it no longer exists, remove the webhook with the Bot API method deleteWebhook.`,
    );
  }
}

/** Removes the webhook (`deleteWebhook`); pending updates stay with Telegram. */
export async function disconnect(ctx: ChannelContext<TelegramConfig>): Promise<void> {
  await callBotApi(ctx, ctx.config.botToken, 'deleteWebhook', { drop_pending_updates: false }, 'disconnect (deleteWebhook)');
}
