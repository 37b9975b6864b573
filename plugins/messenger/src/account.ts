/**
 * Connecting a Facebook Page (`messenger`) or an Instagram professional account (`instagram`).
 *
 * 1. Validate the page token against the account:
 *    Messenger `GET {graph}/{pageId}?fields=name,username,category`,
 *    Instagram `GET {graph}/{instagramAccountId}?fields=username,name,profile_picture_url`.
 *    190 / HTTP 401 → `INVALID_CREDENTIALS`; 100 (no such object, or not visible with this
 *    token) → `INVALID_CONFIG`.
 * 2. Subscribe the page to the app's webhooks: `POST {graph}/{pageId}/subscribed_apps?
 *    subscribed_fields=messages,messaging_postbacks,…` → `{"success":true}`. Instagram messaging
 *    webhooks also need the linked page subscribed. A permission error (the token lacks
 *    `pages_manage_metadata`) → `INVALID_CREDENTIALS` with that explanation.
 * The account id (routing key) is the page id, or the Instagram account id.
 *
 * There is no `disconnect`: unsubscribing the page (`DELETE …/subscribed_apps`) would also stop
 * the webhooks of the other channel type on the same page (Messenger and Instagram share it).
 */
import { ChannelError, type ChannelContext, type ConnectResult } from '@parley/sdk';
import { graphBaseUrl, type InstagramConfig, type MessengerConfig } from './config.js';
import { graphJson } from './graph.js';
import { idString } from './json.js';

/** Fields asked of a page. */
export const PAGE_FIELDS = 'name,username,category';
/** Fields asked of an Instagram professional account. */
export const INSTAGRAM_FIELDS = 'username,name,profile_picture_url';
/** Webhook fields the page is subscribed to. */
export const SUBSCRIBED_FIELDS = ['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads', 'message_reactions'] as const;

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

async function lookup(ctx: ChannelContext<MessengerConfig>, id: string, fields: string, what: string): Promise<Record<string, unknown>> {
  try {
    return await graphJson(ctx, { method: 'GET', url: `${graphBaseUrl(ctx)}/${encodeURIComponent(id)}?fields=${fields}`, accessToken: ctx.config.pageAccessToken, what });
  } catch (err) {
    if (err instanceof ChannelError && err.providerCode === 100) {
      throw new ChannelError('INVALID_CONFIG', `${what}: ${id} does not exist or is not accessible with this page token`, {
        providerCode: err.providerCode,
        providerMessage: err.providerMessage,
        cause: err,
      });
    }
    throw err;
  }
}

/** Subscribes the page to the app's webhooks (`subscribed_apps`). */
export async function subscribePage(ctx: ChannelContext<MessengerConfig>): Promise<void> {
  const { pageId, pageAccessToken } = ctx.config;
  const url = `${graphBaseUrl(ctx)}/${encodeURIComponent(pageId)}/subscribed_apps?subscribed_fields=${SUBSCRIBED_FIELDS.join(',')}`;
  let answer: Record<string, unknown>;
  try {
    answer = await graphJson(ctx, { method: 'POST', url, accessToken: pageAccessToken, what: 'connect (subscribe page)' });
  } catch (err) {
    if (err instanceof ChannelError && err.code === 'PERMANENT') {
      throw new ChannelError('INVALID_CREDENTIALS', `The page token may not subscribe page ${pageId} to webhooks (it needs pages_manage_metadata and pages_messaging): ${err.providerMessage ?? err.message}`, {
        providerCode: err.providerCode,
        providerMessage: err.providerMessage,
        cause: err,
      });
    }
    throw err;
  }
  if (answer.success !== true) throw new ChannelError('TEMPORARY', `connect (subscribe page): the Graph API did not confirm the subscription of page ${pageId}`);
}

/** Connects a Facebook Page: `{accountId: pageId, info: {name, username, category}}`. */
export async function connectMessenger(ctx: ChannelContext<MessengerConfig>): Promise<ConnectResult> {
  const page = await lookup(ctx, ctx.config.pageId, PAGE_FIELDS, 'connect (page lookup)');
  await subscribePage(ctx);
  return {
    accountId: ctx.config.pageId,
    info: { name: text(page.name), username: text(page.username), category: text(page.category) },
  };
}

/** Connects an Instagram professional account: `{accountId: instagramAccountId, info: {username, name, pageId}}`. */
export async function connectInstagram(ctx: ChannelContext<InstagramConfig>): Promise<ConnectResult> {
  const account = await lookup(ctx, ctx.config.instagramAccountId, INSTAGRAM_FIELDS, 'connect (Instagram account lookup)');
  const id = idString(account.id);
  if (id !== null && id !== ctx.config.instagramAccountId) {
    throw new ChannelError('INVALID_CONFIG', `connect: the Graph API answered for account ${id}, not ${ctx.config.instagramAccountId}`);
  }
  await subscribePage(ctx);
  return {
    accountId: ctx.config.instagramAccountId,
    info: { username: text(account.username), name: text(account.name), pictureUrl: text(account.profile_picture_url), pageId: ctx.config.pageId },
  };
}
