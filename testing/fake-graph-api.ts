/**
 * A fake of Meta's Graph API (WhatsApp Cloud API subset) as a real local HTTP server (node:http),
 * for the WhatsApp plugin's tests, core's integration tests and benchmarks.
 *
 *   const graph = await startFakeGraphApi();
 *   graph.registerPhoneNumber('106540352242922', { accessToken: 'EAAG-test' });
 *   // META_GRAPH_URL = graph.url  (e.g. http://127.0.0.1:41234/v24.0)
 *
 * Routes (any `/vNN.N` version prefix):
 * - `GET  /vX/:phoneNumberId[?fields=a,b]` → `{verified_name, display_phone_number, quality_rating, …, id}`
 * - `POST /vX/:phoneNumberId/messages` → a send: `{"messaging_product":"whatsapp","contacts":[{"input","wa_id"}],
 *   "messages":[{"id":"wamid.HBgL…"}]}` (fixture `send_response__meta_docs.json`; to a BSUID via
 *   `recipient`: `contacts:[{input, wa_id:"", user_id}]`, fixture `send_response_bsuid__meta_docs.json`);
 *   a mark-read / typing body (`status:"read"`) → `{"success":true}`.
 * - `GET  /vX/:mediaId` → `{messaging_product, url, mime_type, sha256, file_size, id}` (fixture
 *   `media_retrieve_url_response__pywa_docstring.json`), `url` pointing at `/media-download/:mediaId?…`.
 * - `GET  /media-download/:mediaId?mid=…&hash=…` → the bytes (Bearer token required; URL issued by the lookup).
 *
 * Messenger Platform (Facebook Pages and Instagram through the page token):
 * - `GET  /vX/:pageId[?fields=…]` → `{name, username, category, id}` (page token of that page)
 * - `GET  /vX/:instagramAccountId[?fields=…]` → `{username, name, profile_picture_url, id}` (token of the linked page)
 * - `GET  /vX/:psidOrIgsid[?fields=…]` → a registered user's profile (`first_name, last_name, name,
 *   username, profile_pic`; any page token)
 * - `POST /vX/:pageId/subscribed_apps?subscribed_fields=…` → `{"success":true}` (recorded, see `subscriptionsOf`)
 * - `POST /vX/me/messages` (page token; `me` = the page) → a send `{"recipient_id","message_id":"m_…"}`
 *   (fixtures `messenger/send_response__meta_docs.json`), or a sender action (`typing_on`,
 *   `typing_off`, `mark_seen`) → `{"recipient_id"}`; a message needs `messaging_type`
 *   (`MESSAGE_TAG` needs `tag`) and `text` or `attachment`.
 * - `GET  /vX/oauth/access_token?client_id&client_secret&redirect_uri&code` (codes from
 *   `registerLoginCode`, single use) → `{access_token, token_type, expires_in}`;
 *   `?grant_type=fb_exchange_token&fb_exchange_token=…` → a long-lived token for the same user.
 * - `GET  /vX/me/accounts?fields=…` (user token) → `{data:[{id, name, access_token, picture,
 *   instagram_business_account?}], paging}`
 * - `GET  /cdn/:name` → a file registered with `registerCdnFile` (no token: signed CDN links).
 *
 * WhatsApp Business Accounts (templates, Embedded Signup onboarding):
 * - `GET  /vX/:wabaId/message_templates?fields=…&limit=…[&after=…]` → `{data:[{name, language,
 *   category, status, components, id, …}], paging:{cursors:{before, after}, next?}}` (fixture
 *   `template_list_response_full__meta_docs.json`; `next` while more remain, default limit 25).
 * - `POST /vX/:wabaId/subscribed_apps` → `{"success":true}` (recorded, see `wabaSubscriptions`).
 * - `GET  /vX/oauth/access_token?client_id&client_secret&code` with an Embedded Signup code
 *   (`registerEmbeddedSignupCode`, single use, no `redirect_uri`) → `{access_token, token_type}`:
 *   a business token for that WABA and number (fixture `embedded_signup_token_exchange__descriptor.json`).
 * - `GET  /vX/debug_token?input_token=…&access_token=<app id>|<app secret>` → `{data:{app_id, type,
 *   application, expires_at, is_valid, scopes, granular_scopes:[{scope, target_ids}], user_id}}`.
 * - `POST /vX/:phoneNumberId/register` `{"messaging_product":"whatsapp","pin":"123456"}` →
 *   `{"success":true}` (recorded, see `registrations`); a pin other than 6 digits → 400 code 100;
 *   a number with another two-step PIN → 400 code 133005.
 * Tokens are read from `Authorization: Bearer` or the `access_token` query parameter.
 *
 * Errors use Graph's shape `{"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}`:
 * missing/wrong Bearer token → 401 code 190 (OAuthException); unknown ids → 400 code 100;
 * invalid send bodies → 400 code 100 (missing parameter) or 131008 (missing type object).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v24.0/106540352242922/messages`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or null (no body or not JSON). */
  body: any;
  /** Epoch ms when the request was received. */
  at: number;
}

/** A canned answer for {@link FakeGraphApi.failNext}. */
export interface FakeResponse {
  status: number;
  /** Object (sent as JSON) or string. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface PhoneNumberOptions {
  accessToken: string;
  /** The WABA the number belongs to (its tokens may read the WABA's templates). */
  wabaId?: string;
  /** The number's two-step verification PIN: `register` with another PIN fails (133005). */
  twoStepPin?: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  qualityRating?: string;
}

export interface MediaOptions {
  data: Buffer;
  mimeType: string;
  /** Token allowed to fetch it; default: any token of a registered phone number. */
  accessToken?: string;
  /** Sent as `Content-Disposition: attachment; filename="…"` on download. */
  filename?: string;
}

/** A Facebook Page known to the fake (Messenger Platform). */
export interface PageOptions {
  /** The page access token. */
  accessToken: string;
  name?: string;
  username?: string;
  category?: string;
  pictureUrl?: string;
  /** The Instagram professional account linked to the page. */
  instagram?: { id: string; username?: string; name?: string; profilePictureUrl?: string };
}

/** A Messenger / Instagram user (PSID or IGSID) whose profile the fake answers. */
export interface MessagingUserOptions {
  firstName?: string;
  lastName?: string;
  name?: string;
  username?: string;
  profilePic?: string;
}

/** A Facebook Login code: exchanging it gives a user token that sees `pageIds`. */
export interface LoginCodeOptions {
  pageIds: string[];
  /** When set, the exchange must use this `redirect_uri`. */
  redirectUri?: string;
  appId?: string;
  appSecret?: string;
}

/** A WhatsApp Business Account known to the fake. */
export interface WabaOptions {
  /** Tokens that may use the WABA besides those of its registered numbers. */
  accessTokens?: string[];
  /** Template objects as the Graph API stores them (`name, language, category, status, components`, optional `id`). */
  templates?: Record<string, unknown>[];
}

/** An Embedded Signup code: exchanging it gives a business token for `wabaId` and `phoneNumberId`. */
export interface EmbeddedSignupCodeOptions {
  wabaId: string;
  /** Must be registered with `registerPhoneNumber` (its `wabaId` is set to this WABA). */
  phoneNumberId: string;
  appId?: string;
  appSecret?: string;
  /** WABA ids `debug_token` lists in granular_scopes (default: `[wabaId]`). */
  grantedWabaIds?: string[];
}

export interface FakeGraphApi {
  /** Base URL to use as `META_GRAPH_URL`, e.g. `http://127.0.0.1:PORT/v24.0`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order (cleared by {@link reset}). */
  readonly requests: RecordedRequest[];
  registerPhoneNumber(phoneNumberId: string, options: PhoneNumberOptions): void;
  registerMedia(mediaId: string, options: MediaOptions): void;
  /** Queues a one-shot answer for the next request whose path matches (and method, when given). */
  failNext(match: { path?: RegExp; method?: string }, response: FakeResponse): void;
  /** Waits until `count` recorded requests satisfy `predicate`; returns them. Rejects after `timeoutMs`. */
  waitForRequests(predicate: (r: RecordedRequest) => boolean, count?: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Send requests (`POST …/messages` that are not mark-read/typing), optionally for one phone number id. */
  sentMessages(phoneNumberId?: string): RecordedRequest[];
  /** Registers a Facebook Page (and its linked Instagram account) for the Messenger Platform routes. */
  registerPage(pageId: string, options: PageOptions): void;
  /** Registers a PSID / IGSID profile. */
  registerMessagingUser(userId: string, options: MessagingUserOptions): void;
  /** Registers a one-time Facebook Login code; returns the user token the exchange will give. */
  registerLoginCode(code: string, options: LoginCodeOptions): string;
  /** Serves `data` at `/cdn/:name` without a token; returns its URL. */
  registerCdnFile(name: string, file: { data: Buffer; mimeType: string }): string;
  /** `subscribed_fields` of every `subscribed_apps` call for a page, in order. */
  subscriptionsOf(pageId: string): string[][];
  /** `POST me/messages` requests carrying a message (not sender actions), optionally for one page. */
  messengerSends(pageId?: string): RecordedRequest[];
  /** `POST me/messages` sender actions (`typing_on`, …), optionally for one page. */
  senderActions(pageId?: string): RecordedRequest[];
  /** Registers (or updates) a WhatsApp Business Account: tokens and message templates. */
  registerWaba(wabaId: string, options: WabaOptions): void;
  /** Registers a one-time Embedded Signup code; returns the business token the exchange will give. */
  registerEmbeddedSignupCode(code: string, options: EmbeddedSignupCodeOptions): string;
  /** Number of `subscribed_apps` calls for a WABA. */
  wabaSubscriptions(wabaId: string): number;
  /** `register` calls that succeeded, in order: `{phoneNumberId, pin}`. */
  registrations(): { phoneNumberId: string; pin: string }[];
  /** Delay before every answer, in ms (simulates Graph latency for benchmarks). */
  setLatency(ms: number): void;
  /** Clears recorded requests, queued failures, issued media URLs, recorded page/WABA subscriptions and number registrations (keeps registered objects). */
  reset(): void;
  close(): Promise<void>;
}

interface Phone extends PhoneNumberOptions {
  id: string;
}

interface Failure {
  match: { path?: RegExp; method?: string };
  response: FakeResponse;
}

type Waiter = { check: () => void };

const VERSIONED = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([^/]+))?\/?$/;
const DOWNLOAD = /^\/media-download\/([^/]+)$/;
const CDN = /^\/cdn\/([^/]+)$/;

let midCounter = 0;

/** A Messenger message id shaped like Meta's modern ones: `m_` + base64url. */
export function makeMid(): string {
  return `m_${Buffer.concat([Buffer.from(`${Date.now()}:${++midCounter}:`), randomBytes(24)]).toString('base64url')}`;
}

/** Graph error body. */
export function graphError(code: number, message: string, extra: { type?: string; error_subcode?: number; details?: string } = {}) {
  const error: Record<string, unknown> = { message, type: extra.type ?? 'OAuthException', code };
  if (extra.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: extra.details };
  if (extra.error_subcode !== undefined) error.error_subcode = extra.error_subcode;
  error.fbtrace_id = randomBytes(12).toString('base64url');
  return { error };
}

let wamidCounter = 0;

/** A wamid shaped like Meta's: base64 of `1c 18 <len> <recipient> 15 02 00 11 18 12 <18 hex> 00`. */
export function makeWamid(recipient: string): string {
  const who = Buffer.from(recipient.replace(/^\+/, '').slice(0, 64), 'utf8');
  const unique = (Date.now().toString(16) + (++wamidCounter).toString(16).padStart(6, '0') + randomBytes(9).toString('hex')).toUpperCase().slice(-18);
  const bytes = Buffer.concat([Buffer.from([0x1c, 0x18, who.length]), who, Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]), Buffer.from(unique, 'ascii'), Buffer.from([0x00])]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Starts the fake on 127.0.0.1 (`port` 0 / default = a free port). */
export async function startFakeGraphApi(opts: { port?: number; host?: string; version?: string; latencyMs?: number } = {}): Promise<FakeGraphApi> {
  const host = opts.host ?? '127.0.0.1';
  const version = opts.version ?? 'v24.0';
  const phones = new Map<string, Phone>();
  const media = new Map<string, MediaOptions>();
  const issuedMediaUrls = new Map<string, string>(); // hash → mediaId
  const pages = new Map<string, PageOptions & { id: string }>();
  const igAccounts = new Map<string, string>(); // instagram account id → page id
  const messagingUsers = new Map<string, MessagingUserOptions>();
  const loginCodes = new Map<string, LoginCodeOptions & { userToken: string }>();
  const userTokens = new Map<string, string[]>(); // user token → page ids
  const cdnFiles = new Map<string, { data: Buffer; mimeType: string }>();
  const subscriptions = new Map<string, string[][]>();
  const wabas = new Map<string, { tokens: Set<string>; templates: Record<string, unknown>[] }>();
  const esCodes = new Map<string, EmbeddedSignupCodeOptions & { token: string }>();
  const businessTokens = new Map<string, EmbeddedSignupCodeOptions>(); // issued business token → its grant
  const extraPhoneTokens = new Map<string, Set<string>>(); // phone number id → business tokens
  const wabaSubs = new Map<string, number>();
  const registered: { phoneNumberId: string; pin: string }[] = [];
  const requests: RecordedRequest[] = [];
  let failures: Failure[] = [];
  let waiters: Waiter[] = [];
  let latencyMs = opts.latencyMs ?? 0;
  let origin = '';

  const tokenOf = (headers: IncomingHttpHeaders, query: Record<string, string> = {}): string | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    return match?.[1] ?? (query.access_token || undefined);
  };
  const pageOfToken = (token: string) => [...pages.values()].find((p) => p.accessToken === token);
  const phoneToken = (phone: Phone, token: string | undefined) => token !== undefined && (phone.accessToken === token || !!extraPhoneTokens.get(phone.id)?.has(token));
  const knownToken = (token: string | undefined) => token !== undefined && [...phones.values()].some((p) => phoneToken(p, token));
  const wabaToken = (wabaId: string, token: string) =>
    !!wabas.get(wabaId)?.tokens.has(token) || [...phones.values()].some((p) => p.wabaId === wabaId && phoneToken(p, token));
  const invalidToken = (): FakeResponse => ({
    status: 401,
    body: graphError(190, 'Invalid OAuth access token - Cannot parse access token'),
    headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
  });
  const unsupported = (method: string, id: string): FakeResponse => ({
    status: 400,
    body: graphError(
      100,
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      { type: 'GraphMethodException', error_subcode: 33 },
    ),
  });
  const param = (message: string, code = 100): FakeResponse => ({ status: 400, body: graphError(code, message, { details: message }) });

  function route(req: RecordedRequest): FakeResponse {
    const download = DOWNLOAD.exec(req.path);
    if (download && req.method === 'GET') return routeDownload(req, decodeURIComponent(download[1]!));
    const cdn = CDN.exec(req.path);
    if (cdn && req.method === 'GET') {
      const file = cdnFiles.get(decodeURIComponent(cdn[1]!));
      return file ? { status: 200, body: file.data, headers: { 'content-type': file.mimeType } } : { status: 404, body: 'URL signature expired', headers: { 'content-type': 'text/plain' } };
    }
    const m = VERSIONED.exec(req.path);
    if (!m) return { status: 400, body: graphError(2500, 'Unknown path components: ' + req.path) };
    const id = decodeURIComponent(m[2]!);
    const edge = m[3];
    if (id === 'oauth' && edge === 'access_token' && req.method === 'GET') return routeOAuth(req);
    if (id === 'debug_token' && edge === undefined && req.method === 'GET') return routeDebugToken(req);
    const token = tokenOf(req.headers, req.query);
    if (token === undefined) return invalidToken();
    if (id === 'me' || pages.has(id) || igAccounts.has(id) || messagingUsers.has(id)) return routeMessenger(req, id, edge, token);
    if (wabas.has(id) || [...phones.values()].some((p) => p.wabaId === id)) return routeWaba(req, id, edge, token);
    const phone = phones.get(id);
    if (edge === 'messages' && req.method === 'POST') {
      if (!phone) return unsupported('post', id);
      if (!phoneToken(phone, token)) return invalidToken();
      return routeSend(req);
    }
    if (edge === 'register' && req.method === 'POST') {
      if (!phone) return unsupported('post', id);
      if (!phoneToken(phone, token)) return invalidToken();
      return routeRegister(req, phone);
    }
    if (edge === undefined && req.method === 'GET') {
      if (phone) return phoneToken(phone, token) ? phoneInfo(phone, req.query.fields) : invalidToken();
      const file = media.get(id);
      if (file) return (file.accessToken ? file.accessToken === token : knownToken(token)) ? mediaInfo(id, file) : invalidToken();
      return unsupported('get', id);
    }
    return unsupported(req.method, id);
  }

  const pick = (all: Record<string, unknown>, fields: string | undefined, id: string): Record<string, unknown> => {
    const wanted = fields ? fields.split(',').map((f) => f.trim().replace(/\{.*$/, '')).filter(Boolean) : Object.keys(all);
    const body: Record<string, unknown> = {};
    for (const f of wanted) if (f in all && all[f] !== undefined) body[f] = all[f];
    body.id = id;
    return body;
  };

  function routeWaba(req: RecordedRequest, wabaId: string, edge: string | undefined, token: string): FakeResponse {
    if (!wabaToken(wabaId, token)) {
      return { status: 403, body: graphError(200, '(#200) You do not have permission to access this WhatsApp Business Account', { type: 'OAuthException' }) };
    }
    if (edge === 'subscribed_apps' && req.method === 'POST') {
      wabaSubs.set(wabaId, (wabaSubs.get(wabaId) ?? 0) + 1);
      return { status: 200, body: { success: true } };
    }
    if (edge === 'message_templates' && req.method === 'GET') {
      const all = wabas.get(wabaId)?.templates ?? [];
      const limit = Math.min(Math.max(Number(req.query.limit) || 25, 1), 1000);
      const start = req.query.after ? Number(Buffer.from(req.query.after, 'base64url').toString('utf8')) || 0 : 0;
      const slice = all.slice(start, start + limit);
      const data = slice.map((t, i) => pick(t, req.query.fields, String(t.id ?? `10000000000${start + i}`)));
      const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
      const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + slice.length) } };
      if (start + slice.length < all.length) {
        const q = new URLSearchParams({ ...req.query, after: cursor(start + slice.length) });
        q.delete('access_token');
        paging.next = `${origin}${req.path}?${q.toString()}`;
      }
      return { status: 200, body: { data, paging } };
    }
    return unsupported(req.method, wabaId);
  }

  function routeRegister(req: RecordedRequest, phone: Phone): FakeResponse {
    const body = req.body;
    if (typeof body !== 'object' || body === null || body.messaging_product !== 'whatsapp') return param('(#100) The parameter messaging_product is required.');
    if (typeof body.pin !== 'string' || !/^\d{6}$/.test(body.pin)) return param('(#100) Param pin must be a 6-digit number');
    if (phone.twoStepPin && phone.twoStepPin !== body.pin) {
      return { status: 400, body: graphError(133005, 'Two step verification PIN Mismatch', { details: 'Two step verification PIN incorrect.' }) };
    }
    phone.twoStepPin = body.pin;
    registered.push({ phoneNumberId: phone.id, pin: body.pin });
    return { status: 200, body: { success: true } };
  }

  function routeDebugToken(req: RecordedRequest): FakeResponse {
    const appToken = tokenOf(req.headers, req.query);
    if (!appToken || !appToken.includes('|')) return invalidToken();
    const [appId, appSecret] = appToken.split('|');
    const input = req.query.input_token ?? '';
    const grant = businessTokens.get(input);
    if (!grant) {
      return { status: 200, body: { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, scopes: [] } } };
    }
    if ((grant.appId && grant.appId !== appId) || (grant.appSecret && grant.appSecret !== appSecret)) return { status: 400, body: graphError(190, 'Invalid OAuth access token signature.') };
    const targets = grant.grantedWabaIds ?? [grant.wabaId];
    return {
      status: 200,
      body: {
        data: {
          app_id: appId,
          type: 'SYSTEM_USER',
          application: 'Parley Test App',
          data_access_expires_at: 0,
          expires_at: 0,
          is_valid: true,
          issued_at: Math.floor(Date.now() / 1000),
          scopes: ['whatsapp_business_management', 'whatsapp_business_messaging', 'public_profile'],
          granular_scopes: [
            { scope: 'whatsapp_business_management', target_ids: targets },
            { scope: 'whatsapp_business_messaging', target_ids: targets },
          ],
          user_id: '122100000000000001',
        },
      },
    };
  }

  function routeOAuth(req: RecordedRequest): FakeResponse {
    const q = req.query;
    const es = esCodes.get(q.code ?? '');
    if (es && q.grant_type === undefined) {
      if (!q.client_id || !q.client_secret) return param('(#100) Missing client_id or client_secret');
      if ((es.appId && es.appId !== q.client_id) || (es.appSecret && es.appSecret !== q.client_secret)) return { status: 400, body: graphError(1, 'Error validating client secret.') };
      if (q.redirect_uri) {
        return { status: 400, body: graphError(100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', { error_subcode: 36008 }) };
      }
      esCodes.delete(q.code!); // single use
      businessTokens.set(es.token, es);
      const phone = phones.get(es.phoneNumberId);
      if (phone) {
        phone.wabaId = es.wabaId;
        extraPhoneTokens.set(phone.id, (extraPhoneTokens.get(phone.id) ?? new Set()).add(es.token));
      }
      const waba = wabas.get(es.wabaId) ?? { tokens: new Set<string>(), templates: [] };
      waba.tokens.add(es.token);
      wabas.set(es.wabaId, waba);
      return { status: 200, body: { access_token: es.token, token_type: 'bearer' } };
    }
    if (q.grant_type === 'fb_exchange_token') {
      const pagesOfUser = userTokens.get(q.fb_exchange_token ?? '');
      if (!pagesOfUser) return invalidToken();
      const long = `EAAL-${randomBytes(12).toString('hex')}`;
      userTokens.set(long, pagesOfUser);
      return { status: 200, body: { access_token: long, token_type: 'bearer', expires_in: 5_183_944 } };
    }
    const login = loginCodes.get(q.code ?? '');
    if (!q.client_id || !q.client_secret) return param('(#100) Missing client_id or client_secret');
    if (!login) return { status: 400, body: graphError(100, 'Invalid verification code format.', { error_subcode: 36009 }) };
    if ((login.appId && login.appId !== q.client_id) || (login.appSecret && login.appSecret !== q.client_secret)) {
      return { status: 400, body: graphError(1, 'Error validating client secret.') };
    }
    if (login.redirectUri && login.redirectUri !== q.redirect_uri) {
      return { status: 400, body: graphError(100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', { error_subcode: 36008 }) };
    }
    loginCodes.delete(q.code!); // single use
    userTokens.set(login.userToken, login.pageIds);
    return { status: 200, body: { access_token: login.userToken, token_type: 'bearer', expires_in: 3600 } };
  }

  function routeMessenger(req: RecordedRequest, id: string, edge: string | undefined, token: string): FakeResponse {
    if (id === 'me' && edge === 'accounts' && req.method === 'GET') {
      const pageIds = userTokens.get(token);
      if (!pageIds) return invalidToken();
      const data = pageIds.flatMap((pid) => {
        const p = pages.get(pid);
        if (!p) return [];
        const all: Record<string, unknown> = {
          name: p.name ?? `Page ${pid}`,
          access_token: p.accessToken,
          category: p.category ?? 'Shopping & retail',
          picture: p.pictureUrl ? { data: { url: p.pictureUrl, is_silhouette: false } } : undefined,
          instagram_business_account: p.instagram
            ? { id: p.instagram.id, username: p.instagram.username, profile_picture_url: p.instagram.profilePictureUrl }
            : undefined,
        };
        return [pick(all, req.query.fields, pid)];
      });
      return { status: 200, body: { data, paging: { cursors: { before: 'QVFIUk', after: 'QVFIUl' } } } };
    }
    if (id === 'me' && edge === 'messages' && req.method === 'POST') {
      const page = pageOfToken(token);
      return page ? routeMessengerSend(req) : invalidToken();
    }
    if (edge === 'subscribed_apps' && req.method === 'POST') {
      const page = pages.get(id);
      if (!page) return unsupported('post', id);
      if (page.accessToken !== token) return { status: 403, body: graphError(200, '(#200) The page access token is not for this page or lacks pages_manage_metadata') };
      const fields = (req.query.subscribed_fields ?? (typeof req.body?.subscribed_fields === 'string' ? req.body.subscribed_fields : '')).split(',').filter(Boolean);
      if (fields.length === 0) return param('(#100) Param subscribed_fields must be non-empty');
      subscriptions.set(id, [...(subscriptions.get(id) ?? []), fields]);
      return { status: 200, body: { success: true } };
    }
    if (edge !== undefined || req.method !== 'GET') return unsupported(req.method, id);
    const page = pages.get(id);
    if (page) {
      if (page.accessToken !== token) return invalidToken();
      return { status: 200, body: pick({ name: page.name ?? `Page ${id}`, username: page.username, category: page.category ?? 'Shopping & retail' }, req.query.fields, id) };
    }
    const linked = igAccounts.get(id);
    if (linked) {
      const p = pages.get(linked)!;
      if (p.accessToken !== token) return invalidToken();
      const ig = p.instagram!;
      return { status: 200, body: pick({ username: ig.username, name: ig.name, profile_picture_url: ig.profilePictureUrl }, req.query.fields, id) };
    }
    const user = messagingUsers.get(id)!;
    if (!pageOfToken(token)) return invalidToken();
    return {
      status: 200,
      body: pick({ first_name: user.firstName, last_name: user.lastName, name: user.name, username: user.username, profile_pic: user.profilePic }, req.query.fields, id),
    };
  }

  function routeMessengerSend(req: RecordedRequest): FakeResponse {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return param('(#100) The request body must be a JSON object');
    const recipient = typeof body.recipient?.id === 'string' && body.recipient.id !== '' ? (body.recipient.id as string) : undefined;
    if (!recipient) return param('(#100) The parameter recipient is required');
    if (body.sender_action !== undefined) {
      if (!['typing_on', 'typing_off', 'mark_seen'].includes(body.sender_action)) return param('(#100) Param sender_action must be one of {MARK_SEEN, TYPING_ON, TYPING_OFF}');
      return { status: 200, body: { recipient_id: recipient } };
    }
    const message = body.message;
    if (typeof message !== 'object' || message === null) return param('(#100) Must send either message or state');
    if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(body.messaging_type)) return param('(#100) The parameter messaging_type is required');
    if (body.messaging_type === 'MESSAGE_TAG' && typeof body.tag !== 'string') return param('(#100) Param tag is required for MESSAGE_TAG');
    const hasText = typeof message.text === 'string' && message.text !== '';
    const hasAttachment = typeof message.attachment === 'object' && message.attachment !== null;
    if (hasText === hasAttachment) return param('(#100) Message must have exactly one of text or attachment');
    return { status: 200, body: { recipient_id: recipient, message_id: makeMid() } };
  }

  function phoneInfo(phone: Phone, fields: string | undefined): FakeResponse {
    const all: Record<string, unknown> = {
      verified_name: phone.verifiedName ?? 'Parley Test Business',
      code_verification_status: 'VERIFIED',
      display_phone_number: phone.displayPhoneNumber ?? '+1 555-000-0000',
      quality_rating: phone.qualityRating ?? 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
    };
    const wanted = fields ? fields.split(',').map((f) => f.trim()).filter(Boolean) : Object.keys(all);
    const body: Record<string, unknown> = {};
    for (const f of wanted) if (f in all) body[f] = all[f];
    body.id = phone.id;
    return { status: 200, body };
  }

  function routeSend(req: RecordedRequest): FakeResponse {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return param('(#100) The request body must be a JSON object');
    if (body.messaging_product !== 'whatsapp') return param('(#100) The parameter messaging_product is required.');
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string' || body.message_id === '') return param('(#100) The parameter message_id is required.');
      return { status: 200, body: { success: true } };
    }
    const to = typeof body.to === 'string' && body.to !== '' ? body.to : undefined;
    const recipient = typeof body.recipient === 'string' && body.recipient !== '' ? body.recipient : undefined;
    if (!to && !recipient) return param('(#100) The parameter to is required.');
    const type = typeof body.type === 'string' ? body.type : 'text';
    if (typeof body[type] !== 'object' || body[type] === null) return param(`(#131008) Required parameter is missing: ${type}`, 131008);
    const contact = to ? { input: to, wa_id: to.replace(/[^\d]/g, '') } : { input: recipient, wa_id: '', user_id: recipient };
    const message: Record<string, unknown> = { id: makeWamid(to ?? recipient!) };
    if (type === 'template') message.message_status = 'accepted';
    return { status: 200, body: { messaging_product: 'whatsapp', contacts: [contact], messages: [message] } };
  }

  function mediaInfo(id: string, file: MediaOptions): FakeResponse {
    const hash = randomBytes(16).toString('base64url');
    issuedMediaUrls.set(hash, id);
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: `${origin}/media-download/${encodeURIComponent(id)}?mid=${encodeURIComponent(id)}&ext=${Date.now()}&hash=${hash}`,
        mime_type: file.mimeType,
        sha256: createHash('sha256').update(file.data).digest('base64'),
        file_size: file.data.length,
        id,
      },
    };
  }

  function routeDownload(req: RecordedRequest, id: string): FakeResponse {
    const token = tokenOf(req.headers);
    const file = media.get(id);
    if (!token || !(file?.accessToken ? file.accessToken === token : knownToken(token))) return invalidToken();
    if (!file || issuedMediaUrls.get(req.query.hash ?? '') !== id) return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    const headers: Record<string, string> = { 'content-type': file.mimeType };
    if (file.filename) headers['content-disposition'] = `attachment; filename="${file.filename}"`;
    return { status: 200, body: file.data, headers };
  }

  function takeFailure(req: RecordedRequest): FakeResponse | undefined {
    const index = failures.findIndex((f) => (!f.match.path || f.match.path.test(req.path)) && (!f.match.method || f.match.method.toUpperCase() === req.method));
    if (index < 0) return undefined;
    return failures.splice(index, 1)[0]!.response;
  }

  function send(res: ServerResponse, response: FakeResponse): void {
    const headers: Record<string, string> = { ...response.headers };
    let payload: Buffer;
    if (Buffer.isBuffer(response.body)) payload = response.body;
    else if (typeof response.body === 'string') {
      payload = Buffer.from(response.body);
      headers['content-type'] ??= 'text/plain';
    } else {
      payload = Buffer.from(JSON.stringify(response.body));
      headers['content-type'] ??= 'application/json; charset=UTF-8';
    }
    headers['content-length'] = String(payload.length);
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      at: Date.now(),
    };
    requests.push(recorded);
    let response = takeFailure(recorded);
    if (!response) {
      response = raw !== '' && body === null && recorded.method === 'POST' ? param('(#100) Invalid JSON in the request body') : route(recorded);
    }
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    send(res, response);
    for (const w of [...waiters]) w.check();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: graphError(1, `Fake Graph API failure: ${String(err)}`, { type: 'OAuthException' }) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;

  return {
    url: `${origin}/${version}`,
    origin,
    port,
    requests,
    registerPhoneNumber(phoneNumberId, options) {
      phones.set(phoneNumberId, { ...options, id: phoneNumberId });
    },
    registerMedia(mediaId, options) {
      media.set(mediaId, options);
    },
    registerPage(pageId, options) {
      pages.set(pageId, { ...options, id: pageId });
      if (options.instagram) igAccounts.set(options.instagram.id, pageId);
    },
    registerMessagingUser(userId, options) {
      messagingUsers.set(userId, options);
    },
    registerLoginCode(code, options) {
      const userToken = `EAAU-${randomBytes(12).toString('hex')}`;
      loginCodes.set(code, { ...options, userToken });
      return userToken;
    },
    registerWaba(wabaId, options) {
      const waba = wabas.get(wabaId) ?? { tokens: new Set<string>(), templates: [] };
      for (const t of options.accessTokens ?? []) waba.tokens.add(t);
      if (options.templates) waba.templates = options.templates;
      wabas.set(wabaId, waba);
    },
    registerEmbeddedSignupCode(code, options) {
      const token = `EAAB-${randomBytes(16).toString('hex')}`;
      esCodes.set(code, { ...options, token });
      return token;
    },
    wabaSubscriptions(wabaId) {
      return wabaSubs.get(wabaId) ?? 0;
    },
    registrations() {
      return [...registered];
    },
    registerCdnFile(name, file) {
      cdnFiles.set(name, file);
      return `${origin}/cdn/${encodeURIComponent(name)}`;
    },
    subscriptionsOf(pageId) {
      return subscriptions.get(pageId) ?? [];
    },
    messengerSends(pageId) {
      return requests.filter((r) => /^\/v\d+\.\d+\/me\/messages\/?$/.test(r.path) && r.method === 'POST' && r.body?.message !== undefined && (!pageId || pageOfToken(tokenOf(r.headers, r.query) ?? '')?.id === pageId));
    },
    senderActions(pageId) {
      return requests.filter((r) => /^\/v\d+\.\d+\/me\/messages\/?$/.test(r.path) && r.method === 'POST' && r.body?.sender_action !== undefined && (!pageId || pageOfToken(tokenOf(r.headers, r.query) ?? '')?.id === pageId));
    },
    failNext(match, response) {
      failures.push({ match, response });
    },
    waitForRequests(predicate, count = 1, timeoutMs = 5_000) {
      return new Promise<RecordedRequest[]>((resolve, reject) => {
        const waiter: Waiter = {
          check: () => {
            const matched = requests.filter(predicate);
            if (matched.length < count) return;
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== waiter);
            resolve(matched);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`fake Graph API: expected ${count} matching request(s) within ${timeoutMs} ms, got ${requests.filter(predicate).length}`));
        }, timeoutMs);
        waiters.push(waiter);
        waiter.check();
      });
    },
    sentMessages(phoneNumberId) {
      return requests.filter((r) => {
        const m = VERSIONED.exec(r.path);
        return r.method === 'POST' && m?.[3] === 'messages' && (!phoneNumberId || m[2] === phoneNumberId) && r.body?.status !== 'read';
      });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    reset() {
      requests.length = 0;
      failures = [];
      issuedMediaUrls.clear();
      subscriptions.clear();
      wabaSubs.clear();
      registered.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
