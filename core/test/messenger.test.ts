/**
 * Messenger and Instagram end to end: the real app (SQLite, or MySQL/MariaDB with
 * TEST_MYSQL_URL) against the fake Graph API (testing/fake-graph-api.ts): connecting pages and
 * Instagram accounts (and refusing bad tokens, plan limits, agents), signed webhooks of both
 * objects, echoes, delivery and read watermarks, replies with typing, the messaging window and
 * the HUMAN_AGENT tag, profiles with pictures stored by Parley, and the Facebook Login exchange.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../testing/fixtures.js';
import { Database } from '../src/database/database.service.js';
import { api, eventually, sign, signup, startTestParley, type TestParley } from './harness.js';

let t: TestParley;
const APP_ID = '1517776481860111';

beforeAll(async () => {
  t = await startTestParley({ META_APP_ID: APP_ID, TYPING_JITTER_MS: '20', TYPING_MS_PER_CHAR: '1' });
});
afterAll(async () => {
  await t?.close();
});

const query = (sql: string, params: unknown[] = []) => t.parley.app.get(Database).manager.query(sql, params);
const newId = () => String(100000000000000 + Math.floor(Math.random() * 8e14));
const chatsOf = async (token: string) => (await api(t.url, 'GET', '/api/v1/chats', { token })).body.data as any[];
const messagesOf = async (token: string, chatId: string) => (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token })).body.data as any[];

/** Registers a page (with a linked Instagram account) on the fake. */
function registerPage() {
  const pageId = newId();
  const igId = `1784${newId()}`.slice(0, 17);
  const pageAccessToken = `EAAP-${randomBytes(8).toString('hex')}`;
  t.graph.registerPage(pageId, { accessToken: pageAccessToken, name: `Page ${pageId}`, instagram: { id: igId, username: `ig_${pageId}`, name: 'Shop IG' } });
  return { pageId, igId, pageAccessToken };
}

async function connect(token: string, type: 'messenger' | 'instagram', config: Record<string, unknown>) {
  return api(t.url, 'POST', '/api/v1/channels', { token, body: { type, name: type === 'messenger' ? 'Facebook page' : 'Instagram', config } });
}

async function connectPage(type: 'messenger' | 'instagram' = 'messenger', extra: Record<string, unknown> = {}, owner?: { accessToken: string }) {
  const o = owner ?? (await signup(t.url));
  const page = registerPage();
  const config = type === 'messenger' ? { pageId: page.pageId, pageAccessToken: page.pageAccessToken, ...extra } : { instagramAccountId: page.igId, pageId: page.pageId, pageAccessToken: page.pageAccessToken, ...extra };
  const r = await connect(o.accessToken, type, config);
  if (r.status !== 201) throw new Error(`connect failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...page, token: o.accessToken, channel: r.body as { id: string; accountId: string } };
}

/** Posts a webhook body to `/webhooks/<type>`, signed unless `signature` is given. */
async function postWebhook(type: 'messenger' | 'instagram', body: unknown, signature?: string | null) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? sign(raw) : signature;
  if (sig) headers['x-hub-signature-256'] = sig;
  const res = await fetch(`${t.url}/webhooks/${type}`, { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}

const envelope = (type: 'messenger' | 'instagram', accountId: string, events: object[]) => ({
  object: type === 'messenger' ? 'page' : 'instagram',
  entry: [{ id: accountId, time: Date.now(), messaging: events }],
});
const inbound = (accountId: string, psid: string, text: string, mid = `m_${randomBytes(10).toString('hex')}`, timestamp = Date.now()) => ({
  sender: { id: psid }, recipient: { id: accountId }, timestamp, message: { mid, text },
});

describe('connecting', () => {
  it('a Messenger page: page lookup and webhook subscription; the token is stored encrypted and never returned', async () => {
    const { channel, pageId, pageAccessToken, token } = await connectPage('messenger');
    expect(channel).toMatchObject({ type: 'messenger', status: 'connected', accountId: pageId, info: { name: `Page ${pageId}` }, config: { pageId, humanAgentTag: false } });
    expect(JSON.stringify(channel)).not.toContain(pageAccessToken);
    expect(t.graph.subscriptionsOf(pageId)).toEqual([['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads', 'message_reactions']]);
    const [row] = await query('SELECT config_json, secrets_enc FROM channels WHERE id = ?', [channel.id]);
    expect(String(row.config_json) + String(row.secrets_enc)).not.toContain(pageAccessToken);
    expect(String(row.secrets_enc)).toMatch(/^v1:/);
    expect(JSON.stringify((await api(t.url, 'GET', '/api/v1/channels', { token })).body)).not.toContain(pageAccessToken);
  });

  it('an Instagram account: account lookup with the page token; accountId = the Instagram account id', async () => {
    const { channel, igId, pageId } = await connectPage('instagram');
    expect(channel).toMatchObject({ type: 'instagram', accountId: igId, info: { username: `ig_${pageId}`, pageId }, config: { instagramAccountId: igId, pageId } });
  });

  it('a bad token → 422 CHANNEL_CREDENTIALS_INVALID and no channel, for both types', async () => {
    const owner = await signup(t.url);
    const page = registerPage();
    for (const [type, config] of [
      ['messenger', { pageId: page.pageId, pageAccessToken: 'EAAP-wrong' }],
      ['instagram', { instagramAccountId: page.igId, pageId: page.pageId, pageAccessToken: 'EAAP-wrong' }],
    ] as const) {
      const r = await connect(owner.accessToken, type, config);
      expect(r).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_CREDENTIALS_INVALID', details: { providerCode: 190 } } } });
    }
    expect((await connect(owner.accessToken, 'messenger', { pageId: 'not-an-id', pageAccessToken: 'x' })).body.error.code).toBe('CHANNEL_CONFIG_INVALID');
    expect((await api(t.url, 'GET', '/api/v1/channels', { token: owner.accessToken })).body.data).toEqual([]);
    expect(t.graph.subscriptionsOf(page.pageId)).toEqual([]);
  });

  it('plan limit: the 4th page → 403 PLAN_LIMIT_REACHED without asking Meta; agents → 403', async () => {
    const owner = await signup(t.url);
    for (let i = 0; i < 3; i++) await connectPage('messenger', {}, owner);
    const fourth = registerPage();
    const before = t.graph.requests.length;
    const r = await connect(owner.accessToken, 'messenger', { pageId: fourth.pageId, pageAccessToken: fourth.pageAccessToken });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'PLAN_LIMIT_REACHED', details: { max: 3 } } } });
    expect(t.graph.requests.length).toBe(before);
    // Instagram counts separately
    expect((await connect(owner.accessToken, 'instagram', { instagramAccountId: fourth.igId, pageId: fourth.pageId, pageAccessToken: fourth.pageAccessToken })).status).toBe(201);

    const email = `agent-${randomBytes(3).toString('hex')}@x.test`;
    await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: 'Al', email, password: 'agent password', role: 'agent' } });
    const agent = (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'agent password' } })).body.accessToken;
    const other = registerPage();
    expect(await connect(agent, 'messenger', { pageId: other.pageId, pageAccessToken: other.pageAccessToken })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await api(t.url, 'POST', '/api/v1/channels/login/messenger', { token: agent, body: { code: 'x', redirectUri: 'https://app.example/cb' } })).toMatchObject({ status: 403 });
  });
});

describe('webhooks', () => {
  it('answers the verification handshake on both URLs', async () => {
    for (const type of ['messenger', 'instagram']) {
      const ok = await fetch(`${t.url}/webhooks/${type}?hub.mode=subscribe&hub.verify_token=test_verify_token&hub.challenge=1158201444`);
      expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
      expect((await fetch(`${t.url}/webhooks/${type}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status).toBe(403);
    }
  });

  it('a signed page webhook (fixture shape, numeric ids) is stored; unsigned → 401, nothing stored', async () => {
    const { pageId, token, channel } = await connectPage('messenger');
    const fixture = readFixtureJson('messenger', 'webhook_text__restfb.json');
    const raw = JSON.stringify(fixture).replaceAll('12345654332', pageId); // ids stay JSON numbers, as restfb writes them
    expect((await postWebhook('messenger', raw, null)).status).toBe(401);
    expect((await postWebhook('messenger', raw, sign(raw, 'wrong-secret'))).status).toBe(401);
    expect(await chatsOf(token)).toEqual([]);
    expect(await postWebhook('messenger', raw)).toMatchObject({ status: 200 });
    const [chat] = await chatsOf(token);
    expect(chat).toMatchObject({ channelId: channel.id, unreadCount: 1 });
    const [identity] = await query('SELECT external_id FROM contact_identities WHERE channel_id = ?', [channel.id]);
    expect(identity.external_id).toBe('987654321432');
    expect(await messagesOf(token, chat.id)).toMatchObject([{ direction: 'in', type: 'text', text: 'hello, world!', externalId: 'mid.1457764197618:41d102a3e1ae206a38' }]);
    // Meta retries: the same webhook again stores nothing new
    await postWebhook('messenger', raw);
    expect(await messagesOf(token, chat.id)).toHaveLength(1);
  });

  it('a signed Instagram webhook (captured fixture) is stored in the Instagram channel; a page webhook on the Instagram URL is refused', async () => {
    const { igId, token, channel } = await connectPage('instagram');
    const raw = JSON.stringify(readFixtureJson('instagram', 'webhook_text__captured_public_repo.json')).replaceAll('17841471550633446', igId);
    expect((await postWebhook('instagram', raw)).status).toBe(200);
    const [chat] = await chatsOf(token);
    expect(chat.channelId).toBe(channel.id);
    expect((await messagesOf(token, chat.id))[0]).toMatchObject({ text: 'ข้อความทดสอบ', direction: 'in' });
    const wrong = await postWebhook('instagram', envelope('messenger', igId, [inbound(igId, '1', 'x')]));
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text).error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
  });

  it("unknown accounts: 200 and nothing stored", async () => {
    expect((await postWebhook('messenger', envelope('messenger', '999999', [inbound('999999', '1', 'who?')]))).status).toBe(200);
  });

  it('a new contact gets the profile name and a picture downloaded into Parley storage', async () => {
    const { pageId, token } = await connectPage('messenger');
    const psid = newId();
    const picture = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const pic = t.graph.registerCdnFile(`pic-${psid}.jpg`, { data: picture, mimeType: 'image/jpeg' });
    t.graph.registerMessagingUser(psid, { firstName: 'Peter', lastName: 'Chang', profilePic: pic });
    await postWebhook('messenger', envelope('messenger', pageId, [inbound(pageId, psid, 'hi')]));
    const chat = await eventually(async () => {
      const [c] = await chatsOf(token);
      return c?.contact?.avatarUrl ? c : null;
    });
    expect(chat.contact.name).toBe('Peter Chang');
    const avatar = new URL(chat.contact.avatarUrl);
    expect(avatar.pathname).toMatch(/^\/api\/v1\/media\//);
    expect(chat.contact.avatarUrl).not.toContain(t.graph.origin);
    const res = await fetch(`${t.url}${avatar.pathname}${avatar.search}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(picture)).toBe(true);
    const lookup = t.graph.requests.find((r) => r.path.endsWith(`/${psid}`))!;
    expect(lookup.query.fields).toBe('first_name,last_name,profile_pic');
  });

  it('Instagram profiles: name and username', async () => {
    const { igId, token } = await connectPage('instagram');
    const igsid = newId();
    t.graph.registerMessagingUser(igsid, { name: 'Ana Souza', username: 'ana.souza' });
    await postWebhook('instagram', envelope('instagram', igId, [inbound(igId, igsid, 'oi')]));
    const chat = await eventually(async () => {
      const [c] = await chatsOf(token);
      return c?.contact?.name ? c : null;
    });
    expect(chat.contact.name).toBe('Ana Souza');
  });

  it('image attachments are downloaded by URL into Parley storage', async () => {
    const { pageId, token } = await connectPage('messenger');
    const url = t.graph.registerCdnFile(`img-${pageId}.png`, { data: Buffer.from('PNGDATA'), mimeType: 'image/png' });
    await postWebhook('messenger', envelope('messenger', pageId, [{ sender: { id: newId() }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid: `m_${pageId}`, attachments: [{ type: 'image', payload: { url } }] } }]));
    const chat = await eventually(async () => (await chatsOf(token))[0]);
    const image = await eventually(async () => {
      const [m] = await messagesOf(token, chat.id);
      return m?.media?.state === 'stored' ? m : null;
    });
    expect(image).toMatchObject({ type: 'image', media: { mimeType: 'image/png' } });
  });
});

describe('replies, echoes and statuses', () => {
  async function chatWithCustomer(type: 'messenger' | 'instagram' = 'messenger', extra: Record<string, unknown> = {}, timestamp = Date.now()) {
    const c = await connectPage(type, extra);
    const accountId = type === 'messenger' ? c.pageId : c.igId;
    const psid = newId();
    await postWebhook(type, envelope(type, accountId, [inbound(accountId, psid, 'Do you ship to Lisbon?', undefined, timestamp)]));
    const chat = await eventually(async () => (await chatsOf(c.token))[0]);
    return { ...c, accountId, psid, chat };
  }

  async function reply(token: string, chatId: string, text: string) {
    const r = await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token, body: { type: 'text', text } });
    expect(r).toMatchObject({ status: 202, body: { status: 'queued' } });
    return eventually(async () => (await messagesOf(token, chatId)).find((m) => m.id === r.body.id && m.status === 'sent'));
  }

  it('a reply: typing_on, then the send on me/messages; the mid is stored; the echo of that mid is not duplicated', async () => {
    const { token, chat, psid, pageId, pageAccessToken } = await chatWithCustomer('messenger');
    const sent = await reply(token, chat.id, 'Yes, in 2 days.');
    const actions = t.graph.senderActions(pageId);
    const sends = t.graph.messengerSends(pageId);
    expect(actions.map((r) => r.body)).toEqual([{ recipient: { id: psid }, sender_action: 'typing_on' }]);
    expect(sends.map((r) => r.body)).toEqual([{ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Yes, in 2 days.', metadata: `parley:${sent.id}` } }]);
    expect(sends[0]!.headers.authorization).toBe(`Bearer ${pageAccessToken}`);
    expect(actions[0]!.at).toBeLessThanOrEqual(sends[0]!.at);
    expect(sent.externalId).toMatch(/^m_/);

    const echo = (mid: string, text: string, metadata?: string) => ({
      sender: { id: pageId }, recipient: { id: psid }, timestamp: Date.now(), message: { mid, text, is_echo: true, app_id: Number(APP_ID), ...(metadata ? { metadata } : {}) },
    });
    // Meta echoes Parley's send (with the metadata marker), and, e.g. on retries, without it
    expect((await postWebhook('messenger', envelope('messenger', pageId, [echo(sent.externalId, 'Yes, in 2 days.', `parley:${sent.id}`)]))).status).toBe(200);
    expect((await postWebhook('messenger', envelope('messenger', pageId, [echo(sent.externalId, 'Yes, in 2 days.')]))).status).toBe(200);
    expect(await messagesOf(token, chat.id)).toHaveLength(2);
    // a message the business sent from the Page inbox is stored as outbound
    await postWebhook('messenger', envelope('messenger', pageId, [echo('m_from_page_inbox', 'Sent from Business Suite')]));
    const all = await messagesOf(token, chat.id);
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({ direction: 'out', senderType: 'agent', text: 'Sent from Business Suite', status: 'sent', externalId: 'm_from_page_inbox' });
  });

  it('deliveries by mid and read watermarks move outbound messages to delivered and read', async () => {
    const { token, chat, psid, pageId } = await chatWithCustomer('messenger');
    const first = await reply(token, chat.id, 'One');
    const second = await reply(token, chat.id, 'Two');
    await postWebhook('messenger', envelope('messenger', pageId, [{ sender: { id: psid }, recipient: { id: pageId }, delivery: { mids: [first.externalId], watermark: first.sentAt ? Date.parse(first.sentAt) : Date.now() } }]));
    const statusOf = async (id: string) => (await messagesOf(token, chat.id)).find((m) => m.id === id)?.status;
    await eventually(async () => (await statusOf(first.id)) === 'delivered');
    expect(await statusOf(second.id)).toBe('sent');
    await postWebhook('messenger', envelope('messenger', pageId, [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), read: { watermark: Date.now() + 1000 } }]));
    await eventually(async () => (await statusOf(first.id)) === 'read' && (await statusOf(second.id)) === 'read');
    // the customer's own message is untouched
    expect((await messagesOf(token, chat.id)).find((m) => m.direction === 'in').status).toBe('received');
  });

  it('Instagram: reply on me/messages without metadata; a seen event marks the message read', async () => {
    const { token, chat, psid, igId, pageId } = await chatWithCustomer('instagram');
    const sent = await reply(token, chat.id, 'Olá!');
    expect(t.graph.messengerSends(pageId).map((r) => r.body)).toEqual([{ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Olá!' } }]);
    // the echo of the same mid is not duplicated (unique channel + external id)
    await postWebhook('instagram', envelope('instagram', igId, [{ sender: { id: igId }, recipient: { id: psid }, timestamp: Date.now(), message: { mid: sent.externalId, text: 'Olá!', is_echo: true } }]));
    expect(await messagesOf(token, chat.id)).toHaveLength(2);
    await postWebhook('instagram', envelope('instagram', igId, [{ sender: { id: psid }, recipient: { id: igId }, timestamp: Date.now(), read: { mid: sent.externalId } }]));
    await eventually(async () => (await messagesOf(token, chat.id)).find((m) => m.id === sent.id)?.status === 'read');
  });

  it('an echo that arrives before the send call returns is replaced by the sent message (no duplicate, no resend)', async () => {
    const { token, chat, psid, igId, pageId } = await chatWithCustomer('instagram');
    t.graph.setLatency(400);
    try {
      t.graph.failNext({ path: /\/me\/messages$/, method: 'POST' }, { status: 200, body: { recipient_id: psid } }); // typing
      t.graph.failNext({ path: /\/me\/messages$/, method: 'POST' }, { status: 200, body: { recipient_id: psid, message_id: `m_early_${igId}` } });
      const r = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token, body: { type: 'text', text: 'Fast echo' } });
      // the request is recorded on arrival; its answer is still 400 ms away
      await eventually(() => t.graph.requests.some((q) => q.path.endsWith('/me/messages') && q.body?.message?.text === 'Fast echo'), 5_000, 5);
      await postWebhook('instagram', envelope('instagram', igId, [{ sender: { id: igId }, recipient: { id: psid }, timestamp: Date.now(), message: { mid: `m_early_${igId}`, text: 'Fast echo', is_echo: true } }]));
      const sent = await eventually(async () => (await messagesOf(token, chat.id)).find((m) => m.id === r.body.id && m.status === 'sent'));
      expect(sent.externalId).toBe(`m_early_${igId}`);
      expect((await messagesOf(token, chat.id)).filter((m) => m.externalId === `m_early_${igId}`)).toHaveLength(1);
      expect(t.graph.messengerSends(pageId)).toHaveLength(1);
    } finally {
      t.graph.setLatency(0);
    }
  });

  it('after 24 h: 422 without the human-agent permission; with it the reply goes out tagged HUMAN_AGENT', async () => {
    const threeDaysAgo = Date.now() - 3 * 24 * 3_600_000;
    const plain = await chatWithCustomer('messenger', {}, threeDaysAgo);
    const refused = await api(t.url, 'POST', `/api/v1/chats/${plain.chat.id}/messages`, { token: plain.token, body: { type: 'text', text: 'Sorry for the delay' } });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' } } });

    const tagged = await chatWithCustomer('messenger', { humanAgentTag: true }, threeDaysAgo);
    await reply(tagged.token, tagged.chat.id, 'Sorry for the delay');
    expect(t.graph.messengerSends(tagged.pageId)[0]!.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

    const tooOld = await chatWithCustomer('messenger', { humanAgentTag: true }, Date.now() - 8 * 24 * 3_600_000);
    expect((await api(t.url, 'POST', `/api/v1/chats/${tooOld.chat.id}/messages`, { token: tooOld.token, body: { type: 'text', text: 'x' } })).status).toBe(422);
  });

  it('a Send API refusal (551) fails the message with a mapped reason, without retries', async () => {
    const { token, chat, pageId } = await chatWithCustomer('messenger');
    t.graph.failNext({ path: /\/me\/messages$/, method: 'POST' }, { status: 200, body: { recipient_id: '1' } }); // the typing call
    t.graph.failNext({ path: /\/me\/messages$/, method: 'POST' }, { status: 400, body: { error: { message: "(#551) This person isn't available right now.", type: 'OAuthException', code: 551, error_subcode: 1545041 } } });
    const r = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token, body: { type: 'text', text: 'hello?' } });
    const failed = await eventually(async () => (await messagesOf(token, chat.id)).find((m) => m.id === r.body.id && m.status === 'failed'));
    expect(failed.error).toMatchObject({ code: 'RECIPIENT_UNREACHABLE', providerCode: 551 });
    expect(t.graph.messengerSends(pageId)).toHaveLength(1);
  });
});

describe('Facebook Login for Business', () => {
  it('exchanges the code, lists pages and Instagram accounts without tokens, and creates channels from the session', async () => {
    const owner = await signup(t.url);
    const page = registerPage();
    const code = `code-${randomBytes(6).toString('hex')}`;
    t.graph.registerLoginCode(code, { pageIds: [page.pageId], redirectUri: 'https://app.example/settings/channels', appId: APP_ID, appSecret: 'test_app_secret' });
    const login = await api(t.url, 'POST', '/api/v1/channels/login/messenger', { token: owner.accessToken, body: { code, redirectUri: 'https://app.example/settings/channels' } });
    expect(login.status).toBe(200);
    expect(login.body.accounts).toEqual([
      { type: 'messenger', accountId: page.pageId, name: `Page ${page.pageId}`, pictureUrl: null, linkedInstagram: { id: page.igId, username: `ig_${page.pageId}` } },
      { type: 'instagram', accountId: page.igId, name: `ig_${page.pageId}`, pictureUrl: null, page: { id: page.pageId, name: `Page ${page.pageId}` } },
    ]);
    expect(JSON.stringify(login.body)).not.toContain(page.pageAccessToken);
    expect(typeof login.body.loginSession).toBe('string');

    // another tenant cannot use the session
    const stranger = await signup(t.url);
    expect(await connect(stranger.accessToken, 'messenger', { loginSession: login.body.loginSession, pageId: page.pageId })).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_LOGIN_SESSION_INVALID' } } });
    // an ambiguous pick is refused with the choices
    const ambiguous = await connect(owner.accessToken, 'messenger', { loginSession: login.body.loginSession });
    expect(ambiguous).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_LOGIN_SESSION_INVALID', details: { accounts: [{ accountId: page.pageId }] } } } });

    const messenger = await connect(owner.accessToken, 'messenger', { loginSession: login.body.loginSession, pageId: page.pageId, humanAgentTag: true });
    expect(messenger).toMatchObject({ status: 201, body: { type: 'messenger', accountId: page.pageId, config: { pageId: page.pageId, humanAgentTag: true } } });
    const instagram = await connect(owner.accessToken, 'instagram', { loginSession: login.body.loginSession, instagramAccountId: page.igId });
    expect(instagram).toMatchObject({ status: 201, body: { type: 'instagram', accountId: page.igId, config: { pageId: page.pageId } } });
    expect(JSON.stringify([messenger.body, instagram.body])).not.toContain(page.pageAccessToken);
    // the stored token is the page token from me/accounts: sending works
    await postWebhook('messenger', envelope('messenger', page.pageId, [inbound(page.pageId, newId(), 'hello')]));
    const chat = await eventually(async () => (await chatsOf(owner.accessToken)).find((c) => c.channelId === messenger.body.id));
    await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'Hi!' } });
    const [send] = await t.graph.waitForRequests((r) => r.path.endsWith('/me/messages') && r.body?.message?.text === 'Hi!');
    expect(send!.headers.authorization).toBe(`Bearer ${page.pageAccessToken}`);
  });

  it('a used or invalid code → 422 CHANNEL_CREDENTIALS_INVALID; a forged session → 422; unknown type and types without login → 400', async () => {
    const owner = await signup(t.url);
    const bad = await api(t.url, 'POST', '/api/v1/channels/login/messenger', { token: owner.accessToken, body: { code: 'never-issued', redirectUri: 'https://app.example/cb' } });
    expect(bad).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_CREDENTIALS_INVALID' } } });
    expect((await api(t.url, 'POST', '/api/v1/channels/login/messenger', { token: owner.accessToken, body: { code: 'x', redirectUri: 'not a url' } })).status).toBe(400);
    expect((await api(t.url, 'POST', '/api/v1/channels/login/telegram', { token: owner.accessToken, body: { code: 'x', redirectUri: 'https://a.example/' } })).body.error.code).toBe('CHANNEL_LOGIN_NOT_SUPPORTED');
    expect((await connect(owner.accessToken, 'messenger', { loginSession: 'v1:forged:forged:forged', pageId: '1' })).body.error.code).toBe('CHANNEL_LOGIN_SESSION_INVALID');
  });
});
