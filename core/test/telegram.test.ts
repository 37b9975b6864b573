/**
 * Telegram end to end: the real app (SQLite, or MySQL/MariaDB with TEST_MYSQL_URL) against
 * telegram-test-api 4.2.1 (an independent Bot API emulator), wrapped by
 * testing/telegram-test-api.ts for what 4.2.1 lacks (sendChatAction, getUserProfilePhotos,
 * getFile, sendPhoto, the secret header on webhook pushes).
 * The emulator pushes updates to PUBLIC_URL, so Parley listens on a port chosen up front.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startTelegramTestApi, type TelegramTestApi, type TelegramTestBot } from '../../testing/telegram-test-api.js';
import { Database } from '../src/database/database.service.js';
import { api, eventually, signup, startTestParley, type TestParley } from './harness.js';

let t: TestParley;
let tg: TelegramTestApi;
let publicUrl: string;
const sockets: Socket[] = [];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function live(token: string): Promise<{ socket: Socket; events: { name: string; payload: any }[] }> {
  const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name, payload) => events.push({ name, payload }));
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve({ socket, events }));
    socket.on('connect_error', reject);
  });
}

const query = (sql: string, params: unknown[] = []) => t.parley.app.get(Database).manager.query(sql, params);

/** Signs up a tenant and connects a new bot of the emulator as its Telegram channel. */
async function connectBot(token?: string, bot: TelegramTestBot = tg.registerBot()) {
  const owner = token ? null : await signup(t.url);
  const accessToken = token ?? owner!.accessToken;
  const r = await api(t.url, 'POST', '/api/v1/channels', { token: accessToken, body: { type: 'telegram', name: 'Support bot', config: { botToken: bot.token } } });
  if (r.status !== 201) throw new Error(`telegram channel failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { owner, accessToken, bot, channel: r.body as { id: string; accountId: string; info: any; status: string; config: any } };
}

const chatsOf = async (token: string) => (await api(t.url, 'GET', '/api/v1/chats', { token })).body.data as any[];
const messagesOf = async (token: string, chatId: string) => (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token })).body.data as any[];

beforeAll(async () => {
  tg = await startTelegramTestApi();
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  t = await startTestParley({ TELEGRAM_API_URL: tg.url, PUBLIC_URL: publicUrl, PORT: String(port), TYPING_JITTER_MS: '50' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
  await tg?.close();
});

describe('connecting a bot', () => {
  it('validates the token with getMe, registers the webhook with a secret, and stores both encrypted', async () => {
    const bot = tg.registerBot({ username: 'acme_help_bot', firstName: 'Acme Help' });
    const { channel, accessToken } = await connectBot(undefined, bot);
    expect(channel).toMatchObject({ type: 'telegram', name: 'Support bot', status: 'connected', accountId: bot.id, info: { username: 'acme_help_bot', firstName: 'Acme Help' }, config: {} });
    expect(tg.callsTo('getMe', bot)).toHaveLength(1);
    expect(tg.callsTo('setWebhook', bot)).toHaveLength(1);
    const hook = tg.webhookOf(bot)!;
    expect(hook.url).toBe(`${publicUrl}/webhooks/telegram/${channel.id}`);
    expect(hook.secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(hook.allowedUpdates).toEqual(['message', 'edited_message', 'callback_query']);

    const got = await api(t.url, 'GET', `/api/v1/channels/${channel.id}`, { token: accessToken });
    for (const body of [JSON.stringify(channel), JSON.stringify(got.body)]) {
      expect(body).not.toContain(bot.token);
      expect(body).not.toContain(hook.secretToken);
    }
    const [row] = await query('SELECT secrets_enc, config_json FROM channels WHERE id = ?', [channel.id]);
    expect(row.secrets_enc).toMatch(/^v1:/);
    for (const secret of [bot.token, hook.secretToken!]) {
      expect(row.secrets_enc).not.toContain(secret);
      expect(String(row.config_json)).not.toContain(secret);
    }
  });

  it('a token Telegram refuses → 422 CHANNEL_CREDENTIALS_INVALID and no channel', async () => {
    const owner = await signup(t.url);
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: owner.accessToken, body: { type: 'telegram', name: 'x', config: { botToken: '123456789:AAH-not-a-real-token' } } });
    expect(r).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_CREDENTIALS_INVALID' } } });
    expect(JSON.stringify(r.body)).not.toContain('AAH-not-a-real-token');
    expect((await api(t.url, 'GET', '/api/v1/channels', { token: owner.accessToken })).body.data).toEqual([]);
    expect(tg.callsTo('setWebhook', '123456789:AAH-not-a-real-token')).toHaveLength(0);
    const malformed = await api(t.url, 'POST', '/api/v1/channels', { token: owner.accessToken, body: { type: 'telegram', name: 'x', config: { botToken: 'not a token' } } });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'CHANNEL_CONFIG_INVALID' } } });
  });

  it('a bot already feeding a channel cannot be connected again: 400, and the first channel keeps its webhook', async () => {
    const first = await connectBot();
    const hook = tg.webhookOf(first.bot)!;
    const other = await signup(t.url);
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: other.accessToken, body: { type: 'telegram', name: 'Stolen', config: { botToken: first.bot.token } } });
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'CHANNEL_CONFIG_INVALID' } } });
    expect(r.body.error.message).toContain(first.channel.id);
    expect(tg.webhookOf(first.bot)).toEqual(hook);
    expect((await api(t.url, 'GET', '/api/v1/channels', { token: other.accessToken })).body.data).toEqual([]);
  });

  it('plan limit: the 4th Telegram channel → 403 PLAN_LIMIT_REACHED, Telegram not even asked', async () => {
    const owner = await signup(t.url);
    for (let i = 0; i < 3; i++) await connectBot(owner.accessToken);
    const fourth = tg.registerBot();
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: owner.accessToken, body: { type: 'telegram', name: 'Fourth', config: { botToken: fourth.token } } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'PLAN_LIMIT_REACHED', details: { max: 3 } } } });
    expect(tg.callsTo('getMe', fourth)).toHaveLength(0);
  });

  it('agents cannot connect bots (403)', async () => {
    const owner = await signup(t.url);
    const email = `agent-${owner.tenant.id}@x.test`;
    await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: 'Al', email, password: 'agent password', role: 'agent' } });
    const agent = (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'agent password' } })).body.accessToken;
    const bot = tg.registerBot();
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: agent, body: { type: 'telegram', name: 'x', config: { botToken: bot.token } } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(tg.callsTo('getMe', bot)).toHaveLength(0);
  });
});

describe('inbound', () => {
  it('a user writes to the bot: chat, contact and message stored, message_created live', async () => {
    const { bot, accessToken, channel } = await connectBot();
    const socket = await live(accessToken);
    const user = tg.client(bot, { userId: 41001, chatId: 41001, firstName: 'Ana', userName: 'ana_b' });
    await user.sendMessage(user.makeMessage('Hi, is my order shipped?'));

    const created = await eventually(() => socket.events.find((e) => e.name === 'message_created'));
    expect(created.payload.message).toMatchObject({ direction: 'in', senderType: 'contact', type: 'text', text: 'Hi, is my order shipped?', status: 'received' });
    expect(created.payload.message.externalId).toMatch(/^41001:\d+$/);
    const [chat] = await chatsOf(accessToken);
    expect(chat).toMatchObject({ channelId: channel.id, unreadCount: 1, contact: { name: 'Ana', phone: null } });
    const delivery = tg.deliveries.find((d) => d.token === bot.token)!;
    expect(delivery.status).toBe(200);
    const [identity] = await query('SELECT external_id, username FROM contact_identities WHERE channel_id = ?', [channel.id]);
    expect(identity).toEqual({ external_id: '41001', username: 'ana_b' });
    const raw = await query('SELECT payload FROM webhook_events WHERE channel_id = ?', [channel.id]);
    expect(raw).toHaveLength(1);
    expect(String(raw[0].payload)).not.toContain(bot.token);
  });

  it('a wrong or missing secret header → 401, nothing stored', async () => {
    const { bot, accessToken, channel } = await connectBot();
    const user = tg.client(bot, { userId: 41002, chatId: 41002 });
    tg.overrideWebhookSecret(bot, 'wrong-secret');
    await user.sendMessage(user.makeMessage('forged?'));
    tg.overrideWebhookSecret(bot, null);
    await user.sendMessage(user.makeMessage('no header'));
    await eventually(() => tg.deliveries.filter((d) => d.token === bot.token).length === 2);
    expect(tg.deliveries.filter((d) => d.token === bot.token).map((d) => d.status)).toEqual([401, 401]);
    expect(JSON.parse(tg.deliveries.find((d) => d.token === bot.token)!.responseText).error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect(await chatsOf(accessToken)).toEqual([]);
    expect(await query('SELECT id FROM webhook_events WHERE channel_id = ?', [channel.id])).toEqual([]);
    // the same update with the right header is accepted
    tg.overrideWebhookSecret(bot, undefined);
    await user.sendMessage(user.makeMessage('now with the secret'));
    await eventually(async () => (await chatsOf(accessToken)).length === 1);
  });

  it('a group chat with a negative id is one conversation named after the group; the reply goes to the group', async () => {
    const { bot, accessToken, channel } = await connectBot();
    const member = tg.client(bot, { userId: 41003, chatId: -1001319789908, type: 'supergroup', chatTitle: 'CXA testing', firstName: 'Worakorn', userName: 'WorakornX' } as any);
    await member.sendMessage(member.makeMessage('Hello from the group'));
    const chat = await eventually(async () => (await chatsOf(accessToken))[0]);
    expect(chat.contact.name).toBe('CXA testing');
    const [identity] = await query('SELECT external_id FROM contact_identities WHERE channel_id = ?', [channel.id]);
    expect(identity.external_id).toBe('-1001319789908');
    const [message] = await messagesOf(accessToken, chat.id);
    expect(message.externalId).toMatch(/^-1001319789908:\d+$/);
    expect(tg.callsTo('getUserProfilePhotos', bot)).toHaveLength(0);

    await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: accessToken, body: { type: 'text', text: 'Hi group!' } });
    await eventually(async () => (await messagesOf(accessToken, chat.id))[0].status === 'sent');
    expect(tg.callsTo('sendMessage', bot).map((c) => c.body)).toEqual([{ chat_id: -1001319789908, text: 'Hi group!' }]);
    expect((await member.getUpdates()).result.map((u: any) => u.message.text)).toEqual(['Hi group!']);
  });

  it('photos are downloaded into Parley storage; button presses are interactive messages', async () => {
    const { bot, accessToken } = await connectBot();
    const user = tg.client(bot, { userId: 41004, chatId: 41004, firstName: 'Cy' });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 7, 7, 7, 7]);
    const fileId = tg.registerFile(jpeg, { path: 'photos/file_41004.jpg' });
    await user.sendMessage(user.makeMessage(undefined as unknown as string, { photo: [{ file_id: fileId, file_unique_id: 'u1', width: 800, height: 600, file_size: jpeg.length }], caption: 'my receipt' } as any));
    const chat = await eventually(async () => (await chatsOf(accessToken))[0]);
    const photo = await eventually(async () => {
      const [m] = await messagesOf(accessToken, chat.id);
      return m?.media?.state === 'stored' ? m : null;
    });
    expect(photo).toMatchObject({ type: 'image', text: 'my receipt', media: { providerMediaId: fileId, mimeType: 'image/jpeg' } });

    await user.sendCallback(user.makeCallbackQuery('plan:pro', { message: { message_id: 1, reply_markup: { inline_keyboard: [[{ text: 'Pro plan', callback_data: 'plan:pro' }]] } } } as any));
    const press = await eventually(async () => (await messagesOf(accessToken, chat.id)).find((m) => m.type === 'interactive'));
    expect(press).toMatchObject({ text: 'Pro plan', externalId: expect.stringMatching(/^cb:/) });
  });
});

describe('outbound', () => {
  it('a reply from the API: sendChatAction typing, the typing delay, then sendMessage; the user sees it', async () => {
    const { bot, accessToken } = await connectBot();
    const user = tg.client(bot, { userId: 42001, chatId: 42001, firstName: 'Dee' });
    await user.sendMessage(user.makeMessage('Do you ship to Lisbon?'));
    const chat = await eventually(async () => (await chatsOf(accessToken))[0]);
    const text = 'Yes, we ship to Lisbon in 2 days.';
    const r = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: accessToken, body: { type: 'text', text } });
    expect(r).toMatchObject({ status: 202, body: { status: 'queued' } });
    const sent = await eventually(async () => {
      const [m] = await messagesOf(accessToken, chat.id);
      return m.status === 'sent' ? m : null;
    });
    const typing = tg.callsTo('sendChatAction', bot);
    const sends = tg.callsTo('sendMessage', bot);
    expect(typing.map((c) => c.body)).toEqual([{ chat_id: 42001, action: 'typing' }]);
    expect(sends.map((c) => c.body)).toEqual([{ chat_id: 42001, text }]);
    expect(sends[0]!.at - typing[0]!.at).toBeGreaterThanOrEqual(13 * text.length - 5);
    expect(sent.externalId).toMatch(/^42001:\d+$/);
    expect((await user.getUpdates()).result.map((u: any) => u.message.text)).toEqual([text]);
  });

  it('429 retry_after is honoured before the retry', async () => {
    const { bot, accessToken } = await connectBot();
    const user = tg.client(bot, { userId: 42002, chatId: 42002 });
    await user.sendMessage(user.makeMessage('hello?'));
    const chat = await eventually(async () => (await chatsOf(accessToken))[0]);
    tg.failNext('sendMessage', { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } } });
    await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: accessToken, body: { type: 'text', text: 'hi' } });
    const sent = await eventually(async () => {
      const [m] = await messagesOf(accessToken, chat.id);
      return m.status === 'sent' ? m : null;
    }, 15_000);
    const sends = tg.callsTo('sendMessage', bot);
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(3000);
    expect(sent.externalId).toMatch(/^42002:\d+$/);
    expect((await user.getUpdates()).result.map((u: any) => u.message.text)).toEqual(['hi']);
  });
});

describe('profile pictures', () => {
  it("a new contact's Telegram photo is stored in Parley's storage; the avatar URL is Parley's, without the bot token", async () => {
    const { bot, accessToken } = await connectBot();
    const picture = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 1, 2, 3, 4, 5, 6]);
    tg.setProfilePhoto(43001, { data: picture, path: 'profile_photos/file_43001.jpg' });
    const user = tg.client(bot, { userId: 43001, chatId: 43001, firstName: 'Eve' });
    await user.sendMessage(user.makeMessage('hi'));
    const chat = await eventually(async () => {
      const [c] = await chatsOf(accessToken);
      return c?.contact?.avatarUrl ? c : null;
    });
    const avatarUrl: string = chat.contact.avatarUrl;
    expect(avatarUrl.startsWith(`${publicUrl}/api/v1/media/`)).toBe(true);
    expect(avatarUrl).not.toContain(bot.token);
    expect(avatarUrl).not.toContain(tg.url);
    const res = await fetch(avatarUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(picture)).toBe(true);
    expect(tg.callsTo('getUserProfilePhotos', bot).map((c) => c.body)).toEqual([{ user_id: 43001, offset: 0, limit: 1 }]);
    expect(tg.callsTo('getFile', bot)).toHaveLength(1);
  });

  it('a picture Telegram refuses to serve is skipped (permanent error), the contact stays usable', async () => {
    const { bot, accessToken } = await connectBot();
    tg.setProfilePhoto(43002, { data: Buffer.from('jpeg') });
    tg.failNext('getFile', { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: file is too big' } });
    const user = tg.client(bot, { userId: 43002, chatId: 43002, firstName: 'Fay' });
    await user.sendMessage(user.makeMessage('hi'));
    await tg.waitForCall('getFile', (c) => c.token === bot.token);
    await new Promise((r) => setTimeout(r, 300));
    const [chat] = await chatsOf(accessToken);
    expect(chat.contact).toMatchObject({ name: 'Fay', avatarUrl: null });
    expect(tg.callsTo('getFile', bot)).toHaveLength(1);
  });
});

describe('disconnecting', () => {
  it('DELETE /api/v1/channels/:id calls deleteWebhook; later updates to the old URL store nothing', async () => {
    const { bot, accessToken, channel } = await connectBot();
    const secret = tg.webhookOf(bot)!.secretToken!;
    const r = await api(t.url, 'DELETE', `/api/v1/channels/${channel.id}`, { token: accessToken });
    expect(r.status).toBe(204);
    expect(tg.callsTo('deleteWebhook', bot)).toHaveLength(1);
    expect(tg.webhookOf(bot)).toBeUndefined();
    const late = await fetch(`${t.url}/webhooks/telegram/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify({ update_id: 1, message: { message_id: 1, chat: { id: 5, type: 'private' }, date: 1, text: 'late' } }),
    });
    expect(late.status).toBe(200);
    expect(await chatsOf(accessToken)).toEqual([]);
  });
});
