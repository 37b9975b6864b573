/**
 * Facebook Login for Business: the front end obtains an authorization `code` (Login dialog with
 * the app's Login-for-Business configuration, permissions `pages_show_list`,
 * `pages_manage_metadata`, `pages_messaging`, `instagram_basic`, `instagram_manage_messages`,
 * `business_management`), the host hands it to {@link exchangeLoginCode}:
 *
 * 1. `GET {graph}/oauth/access_token?client_id=<META_APP_ID>&client_secret=<META_APP_SECRET>
 *    &redirect_uri=<redirectUri>&code=<code>` → `{"access_token","token_type":"bearer","expires_in"}`
 *    (a short-lived user token; codes are single-use and expire quickly).
 * 2. `GET {graph}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret
 *    &fb_exchange_token=<user token>` → a long-lived user token, so that the page tokens of
 *    step 3 do not expire (falls back to the short-lived token when refused).
 * 3. `GET {graph}/me/accounts?fields=id,name,access_token,picture{url},instagram_business_account{id,username,profile_picture_url}`
 *    (Bearer user token; follows `paging.next`) → the pages, their page tokens, and their linked
 *    Instagram professional accounts.
 *
 * Every page becomes a `messenger` account and every linked Instagram account an `instagram`
 * account, each with the complete config (page token included) — the host keeps those
 * server-side and never sends them to the browser.
 */
import { ChannelError, type LoginAccount, type LoginExchangeInput, type PluginRuntime } from '@parley/sdk';
import { graphBaseUrl, SETTINGS } from './config.js';
import { graphJson } from './graph.js';
import { idString } from './json.js';

/** Fields asked of `me/accounts`. */
export const ACCOUNT_FIELDS = 'id,name,access_token,picture{url},instagram_business_account{id,username,profile_picture_url}';
/** At most this many `me/accounts` pages are followed (100 Facebook Pages each). */
export const MAX_ACCOUNT_PAGES = 20;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

function oauthUrl(runtime: Pick<PluginRuntime, 'setting'>, params: Record<string, string>): string {
  return `${graphBaseUrl(runtime)}/oauth/access_token?${new URLSearchParams(params).toString()}`;
}

/** Step 1 and 2: a (long-lived when possible) user access token for the code. */
export async function userTokenForCode(runtime: PluginRuntime, code: string, redirectUri?: string): Promise<string> {
  const appId = runtime.setting(SETTINGS.appId);
  const appSecret = runtime.setting(SETTINGS.appSecret);
  if (!appId || !appSecret) throw new ChannelError('INVALID_CONFIG', 'Facebook Login needs META_APP_ID and META_APP_SECRET on the server');
  let short: Json;
  try {
    short = await graphJson(runtime, { method: 'GET', url: oauthUrl(runtime, { client_id: appId, client_secret: appSecret, ...(redirectUri ? { redirect_uri: redirectUri } : {}), code }), what: 'login (code exchange)' });
  } catch (err) {
    // code 100 (subcodes 36007 expired, 36008 wrong redirect_uri, 36009 already used) and 190
    if (err instanceof ChannelError && !err.retryable) {
      throw new ChannelError('INVALID_CREDENTIALS', `Meta refused the login code (expired, already used, or another redirect URI): ${err.providerMessage ?? err.message}`, {
        providerCode: err.providerCode,
        providerMessage: err.providerMessage,
        cause: err,
      });
    }
    throw err;
  }
  const token = text(short.access_token);
  if (!token) throw new ChannelError('PERMANENT', 'login (code exchange): the Graph API returned no access_token');
  try {
    const long = await graphJson(runtime, {
      method: 'GET',
      url: oauthUrl(runtime, { grant_type: 'fb_exchange_token', client_id: appId, client_secret: appSecret, fb_exchange_token: token }),
      what: 'login (long-lived token)',
    });
    return text(long.access_token) ?? token;
  } catch (err) {
    runtime.logger.warn({ err }, 'long-lived token exchange failed; using the short-lived token');
    return token;
  }
}

/** Step 3: pages (and linked Instagram accounts) of the user token as login accounts. */
export async function listAccounts(runtime: PluginRuntime, userToken: string): Promise<LoginAccount[]> {
  const accounts: LoginAccount[] = [];
  let url: string | null = `${graphBaseUrl(runtime)}/me/accounts?fields=${ACCOUNT_FIELDS}&limit=100`;
  for (let page = 0; url && page < MAX_ACCOUNT_PAGES; page++) {
    const answer: Json = await graphJson(runtime, { method: 'GET', url, accessToken: userToken, what: 'login (list pages)' });
    for (const p of Array.isArray(answer.data) ? answer.data.filter(isObject) : []) accounts.push(...accountsOfPage(p));
    const next: unknown = isObject(answer.paging) ? answer.paging.next : undefined;
    url = typeof next === 'string' && next.startsWith(graphBaseUrl(runtime).replace(/\/v\d+\.\d+$/, '')) ? next : null;
  }
  return accounts;
}

/** One `me/accounts` element → a `messenger` account, plus an `instagram` one when linked. */
export function accountsOfPage(p: Json): LoginAccount[] {
  const pageId = idString(p.id);
  const pageAccessToken = text(p.access_token);
  if (!pageId || !pageAccessToken) return [];
  const name = text(p.name) ?? pageId;
  const picture = isObject(p.picture) && isObject(p.picture.data) ? text(p.picture.data.url) : null;
  const ig = isObject(p.instagram_business_account) ? p.instagram_business_account : null;
  const igId = ig ? idString(ig.id) : null;
  const linkedInstagram = ig && igId ? { id: igId, username: text(ig.username) } : null;
  const out: LoginAccount[] = [
    { type: 'messenger', accountId: pageId, name, pictureUrl: picture, config: { pageId, pageAccessToken }, info: { linkedInstagram } },
  ];
  if (ig && igId) {
    out.push({
      type: 'instagram',
      accountId: igId,
      name: text(ig.username) ?? name,
      pictureUrl: text(ig.profile_picture_url),
      config: { instagramAccountId: igId, pageId, pageAccessToken },
      info: { page: { id: pageId, name } },
    });
  }
  return out;
}

/** `ChannelLogin.exchange` of both channel types. */
export async function exchangeLoginCode(input: LoginExchangeInput, runtime: PluginRuntime): Promise<LoginAccount[]> {
  const token = await userTokenForCode(runtime, input.code, input.redirectUri);
  return listAccounts(runtime, token);
}
