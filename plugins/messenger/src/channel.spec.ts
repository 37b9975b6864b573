/**
 * The channel definitions against the fake Graph API over real HTTP: connect, send, typing,
 * errors, profiles, downloads and the Facebook Login exchange.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPluginForTest, makeChannelContext, type ChannelDefinition, type TestHost } from '@parley/sdk';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { startFakeGraphApi, type FakeGraphApi } from '../../../testing/fake-graph-api.js';
import plugin from './index.js';
import type { InstagramConfig, MessengerConfig } from './config.js';

const PAGE = '682498171943165';
const TOKEN = 'EAAP-page-token';
const IG = '17841471550633446';
const PSID = '1254459154682919';

let graph: FakeGraphApi;
let host: TestHost;
let messenger: ChannelDefinition<MessengerConfig>;
let instagram: ChannelDefinition<InstagramConfig>;

beforeAll(async () => {
  graph = await startFakeGraphApi();
  host = await loadPluginForTest(plugin, { META_GRAPH_URL: graph.url, META_APP_ID: 'app-1', META_APP_SECRET: 'secret-1' });
  messenger = host.channels.get('messenger')!;
  instagram = host.channels.get('instagram')!;
});
afterAll(async () => {
  await graph?.close();
});
beforeEach(() => {
  graph.reset();
  graph.registerPage(PAGE, { accessToken: TOKEN, name: 'Lucky Shrub', username: 'luckyshrub', instagram: { id: IG, username: 'lucky.shrub', name: 'Lucky Shrub IG', profilePictureUrl: 'https://cdn.example/ig.jpg' } });
});

const mctx = (config: Partial<MessengerConfig> = {}) => makeChannelContext<MessengerConfig>({ pageId: PAGE, pageAccessToken: TOKEN, ...config }, host.runtime);
const ictx = (config: Partial<InstagramConfig> = {}) => makeChannelContext<InstagramConfig>({ instagramAccountId: IG, pageId: PAGE, pageAccessToken: TOKEN, ...config }, host.runtime);

describe('plugin', () => {
  it('registers both channel types with account routing and the page token as the secret', () => {
    expect([...host.channels.keys()]).toEqual(['messenger', 'instagram']);
    for (const def of [messenger, instagram]) {
      expect(def.webhook.routing).toBe('account');
      expect(def.secretFields).toEqual(['pageAccessToken']);
      expect(def.customerServiceWindowMs).toBe(24 * 3_600_000);
      expect(def.customerServiceWindowFor?.({ humanAgentTag: true })).toBe(7 * 24 * 3_600_000);
      expect(def.login).toBeDefined();
    }
  });
});

describe('connect', () => {
  it('Messenger: page lookup, webhook subscription, accountId = page id', async () => {
    const result = await messenger.connect(mctx());
    expect(result).toEqual({ accountId: PAGE, info: { name: 'Lucky Shrub', username: 'luckyshrub', category: 'Shopping & retail' } });
    const lookup = graph.requests.find((r) => r.method === 'GET')!;
    expect(lookup.path).toBe(`/v24.0/${PAGE}`);
    expect(lookup.query.fields).toBe('name,username,category');
    expect(lookup.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(graph.subscriptionsOf(PAGE)).toEqual([['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads', 'message_reactions']]);
  });

  it('Instagram: account lookup with the page token, page subscription, accountId = Instagram account id', async () => {
    const result = await instagram.connect(ictx());
    expect(result).toEqual({ accountId: IG, info: { username: 'lucky.shrub', name: 'Lucky Shrub IG', pictureUrl: 'https://cdn.example/ig.jpg', pageId: PAGE } });
    expect(graph.requests[0]!.query.fields).toBe('username,name,profile_picture_url');
    expect(graph.subscriptionsOf(PAGE)).toHaveLength(1);
  });

  it('a bad token → INVALID_CREDENTIALS (190), an unknown id → INVALID_CONFIG (100), nothing subscribed', async () => {
    await expect(messenger.connect(mctx({ pageAccessToken: 'wrong' }))).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', providerCode: 190 });
    await expect(instagram.connect(ictx({ pageAccessToken: 'wrong' }))).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(messenger.connect(mctx({ pageId: '999' }))).rejects.toMatchObject({ code: 'INVALID_CONFIG', providerCode: 100 });
    expect(graph.subscriptionsOf(PAGE)).toEqual([]);
  });

  it('a token that may not subscribe the page → INVALID_CREDENTIALS naming the permission; 5xx → TEMPORARY', async () => {
    graph.failNext({ path: /subscribed_apps/ }, { status: 403, body: { error: { message: '(#200) Permissions error', type: 'OAuthException', code: 200 } } });
    await expect(messenger.connect(mctx())).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.stringContaining('pages_manage_metadata') });
    graph.failNext({ path: new RegExp(`/${PAGE}$`) }, { status: 500, body: { error: { message: 'An unknown error', type: 'OAuthException', code: 1 } } });
    await expect(messenger.connect(mctx())).rejects.toMatchObject({ code: 'TEMPORARY', retryable: true });
  });
});

describe('send and typing', () => {
  const out = { id: 'msg-1', to: { externalId: PSID, lastInboundAt: Date.now() - 60_000 }, type: 'text' as const, text: 'hello, world!' };

  it('POST me/messages with the page token; the mid comes back as the external id', async () => {
    const { externalId } = await messenger.send(mctx(), out);
    expect(externalId).toMatch(/^m_/);
    const [sent] = graph.messengerSends(PAGE);
    expect(sent!.path).toBe('/v24.0/me/messages');
    expect(sent!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent!.body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'hello, world!', metadata: 'parley:msg-1' } });
    const response = readFixtureJson('messenger', 'send_response__meta_docs.json');
    expect(Object.keys(response).sort()).toEqual(['message_id', 'recipient_id']);
  });

  it('Instagram sends without metadata; media captions follow as a text', async () => {
    await instagram.send(ictx(), { ...out, type: 'image', text: null, media: { url: 'https://cdn.example/a.png', caption: 'Our menu' } });
    const sends = graph.messengerSends(PAGE).map((r) => r.body);
    expect(sends).toEqual([
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: { url: 'https://cdn.example/a.png', is_reusable: true } } } },
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Our menu' } },
    ]);
  });

  it('typing_on as a sender action', async () => {
    await messenger.sendTyping!(mctx(), { to: { externalId: PSID } });
    expect(graph.senderActions(PAGE).map((r) => r.body)).toEqual([{ recipient: { id: PSID }, sender_action: 'typing_on' }]);
  });

  it('outside the window: HUMAN_AGENT when allowed, refused before any call otherwise', async () => {
    const old = { ...out, to: { externalId: PSID, lastInboundAt: Date.now() - 3 * 24 * 3_600_000 } };
    await expect(messenger.send(mctx(), old)).rejects.toMatchObject({ code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' });
    expect(graph.messengerSends()).toHaveLength(0);
    await messenger.send(mctx({ humanAgentTag: true }), old);
    expect(graph.messengerSends()[0]!.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('maps Send API errors', async () => {
    const fail = (code: number, subcode?: number, status = 400) =>
      graph.failNext({ path: /me\/messages/ }, { status, body: { error: { message: `(#${code}) x`, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) } } });
    fail(551, 1545041);
    await expect(messenger.send(mctx(), out)).rejects.toMatchObject({ code: 'RECIPIENT_UNREACHABLE', retryable: false });
    fail(10, 2018278);
    await expect(messenger.send(mctx(), out)).rejects.toMatchObject({ code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' });
    fail(613);
    await expect(messenger.send(mctx(), out)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 60_000 });
    fail(190, undefined, 401);
    await expect(messenger.send(mctx(), out)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(messenger.send(mctx({ pageAccessToken: 'revoked' }), out)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('profiles and downloads', () => {
  it('Messenger profile: first + last name; the picture is downloaded by URL (no token sent)', async () => {
    const pic = graph.registerCdnFile('peter.jpg', { data: Buffer.from('JPEGDATA'), mimeType: 'image/jpeg' });
    graph.registerMessagingUser(PSID, { firstName: 'Peter', lastName: 'Chang', profilePic: pic });
    const profile = await messenger.getProfile!(mctx(), PSID);
    expect(profile).toEqual({ name: 'Peter Chang', username: null, avatar: { providerMediaId: pic } });
    expect(graph.requests.at(-1)!.query.fields).toBe('first_name,last_name,profile_pic');
    const file = await messenger.downloadMedia!(mctx(), pic);
    expect(file).toEqual({ data: Buffer.from('JPEGDATA'), mimeType: 'image/jpeg' });
    expect(graph.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('Instagram profile: name (else username) and username', async () => {
    graph.registerMessagingUser('1090651699462050', { name: '', username: 'peter_chang_live', profilePic: 'https://cdn.example/p.jpg' });
    expect(await instagram.getProfile!(ictx(), '1090651699462050')).toEqual({ name: 'peter_chang_live', username: 'peter_chang_live', avatar: { providerMediaId: 'https://cdn.example/p.jpg' } });
    expect(graph.requests.at(-1)!.query.fields).toBe('name,username,profile_pic');
  });

  it('a hidden profile gives null; an expired CDN link is a permanent failure', async () => {
    expect(await messenger.getProfile!(mctx(), '55555')).toBeNull();
    await expect(messenger.downloadMedia!(mctx(), `${graph.origin}/cdn/gone.jpg`)).rejects.toMatchObject({ code: 'PERMANENT', retryable: false });
    await expect(messenger.downloadMedia!(mctx(), 'IMAGE_URL')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });
});

describe('Facebook Login for Business', () => {
  it('exchanges the code, trades for a long-lived token, and lists pages and linked Instagram accounts', async () => {
    graph.registerPage('700000000000001', { accessToken: 'EAAP-second', name: 'Second Page', pictureUrl: 'https://cdn.example/p2.jpg' });
    graph.registerLoginCode('code-1', { pageIds: [PAGE, '700000000000001'], redirectUri: 'https://app.example/cb', appId: 'app-1', appSecret: 'secret-1' });
    const accounts = await messenger.login!.exchange({ code: 'code-1', redirectUri: 'https://app.example/cb' }, host.runtime);
    expect(accounts).toEqual([
      { type: 'messenger', accountId: PAGE, name: 'Lucky Shrub', pictureUrl: null, config: { pageId: PAGE, pageAccessToken: TOKEN }, info: { linkedInstagram: { id: IG, username: 'lucky.shrub' } } },
      { type: 'instagram', accountId: IG, name: 'lucky.shrub', pictureUrl: 'https://cdn.example/ig.jpg', config: { instagramAccountId: IG, pageId: PAGE, pageAccessToken: TOKEN }, info: { page: { id: PAGE, name: 'Lucky Shrub' } } },
      { type: 'messenger', accountId: '700000000000001', name: 'Second Page', pictureUrl: 'https://cdn.example/p2.jpg', config: { pageId: '700000000000001', pageAccessToken: 'EAAP-second' }, info: { linkedInstagram: null } },
    ]);
    const [code, long] = graph.requests.filter((r) => r.path.endsWith('/oauth/access_token'));
    expect(code!.query).toMatchObject({ client_id: 'app-1', client_secret: 'secret-1', redirect_uri: 'https://app.example/cb', code: 'code-1' });
    expect(long!.query).toMatchObject({ grant_type: 'fb_exchange_token' });
    const list = graph.requests.find((r) => r.path.endsWith('/me/accounts'))!;
    expect(list.headers.authorization).not.toBe(`Bearer ${code!.query.code}`);
  });

  it('a used, unknown or mis-redirected code → INVALID_CREDENTIALS; no app id → INVALID_CONFIG', async () => {
    graph.registerLoginCode('code-2', { pageIds: [PAGE], redirectUri: 'https://app.example/cb' });
    await expect(messenger.login!.exchange({ code: 'code-2', redirectUri: 'https://evil.example/cb' }, host.runtime)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await messenger.login!.exchange({ code: 'code-2', redirectUri: 'https://app.example/cb' }, host.runtime);
    await expect(messenger.login!.exchange({ code: 'code-2', redirectUri: 'https://app.example/cb' }, host.runtime)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const bare = await loadPluginForTest(plugin, { META_GRAPH_URL: graph.url });
    await expect(bare.channels.get('messenger')!.login!.exchange({ code: 'x', redirectUri: 'https://app.example/cb' }, bare.runtime)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
