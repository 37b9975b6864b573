/**
 * The channel against telegram-test-api (wrapped by testing/telegram-test-api.ts) over real
 * HTTP: connect, webhook delivery with the secret header, send, typing, media, profile photos,
 * errors and disconnect, through the plugin as the host loads it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelError, loadPluginForTest, makeChannelContext, makeWebhookRequest, type ChannelContext, type ChannelDefinition, type InboundMessage, type OutboundMessage } from '@parley/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import { startTelegramTestApi, type TelegramTestApi, type TelegramTestBot } from '../../../testing/telegram-test-api.js';
import plugin, { type TelegramConfig } from './index.js';

let tg: TelegramTestApi;
let channel: ChannelDefinition<TelegramConfig>;
let hook: Server;
let hookUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const fetchCalls: { url: string; init?: RequestInit }[] = [];
const realFetch = globalThis.fetch;
const hostFetch: typeof fetch = (input, init) => {
  fetchCalls.push({ url: String(input), init });
  return realFetch(input, init);
};

const settings = () => ({ TELEGRAM_API_URL: tg.url, PUBLIC_URL: hookUrl });
const contextFor = (config: TelegramConfig, channelId = 'ch_spec'): ChannelContext<TelegramConfig> =>
  makeChannelContext<TelegramConfig>(config, { setting: (n) => settings()[n as keyof ReturnType<typeof settings>], fetch: hostFetch, logger: console }, { channelId });

async function rejection(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }
  throw new Error('expected a ChannelError');
}

async function connected(): Promise<{ bot: TelegramTestBot; ctx: ChannelContext<TelegramConfig>; secret: string }> {
  const bot = tg.registerBot();
  const ctx = contextFor({ botToken: bot.token });
  const result = await channel.connect(ctx);
  const secret = result.configPatch!.webhookSecret as string;
  return { bot, ctx: contextFor({ botToken: bot.token, webhookSecret: secret }), secret };
}

const text = (to: string, body: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({ id: 'm1', to: { externalId: to }, type: 'text', text: body, ...extra });

beforeAll(async () => {
  tg = await startTelegramTestApi();
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  const host = await loadPluginForTest(plugin, { TELEGRAM_API_URL: tg.url, PUBLIC_URL: hookUrl }, hostFetch);
  channel = host.channels.get('telegram') as ChannelDefinition<TelegramConfig>;
});
afterAll(async () => {
  await tg?.close();
  await new Promise<void>((r) => hook.close(() => r()));
});
beforeEach(() => {
  tg.reset();
  received.length = 0;
  fetchCalls.length = 0;
  vi.unstubAllGlobals();
});

describe('plugin', () => {
  it('registers the telegram channel: per-channel webhooks, typing, rate limits, profile and media', () => {
    expect(plugin.id).toBe('telegram');
    expect(channel).toMatchObject({ type: 'telegram', displayName: 'Telegram', simulateTyping: true, webhook: { routing: 'channel' } });
    expect(channel.secretFields).toEqual(['botToken', 'webhookSecret']);
    expect(channel.rateLimits).toEqual({ perAccount: { ratePerSec: 30, burst: 30 }, perRecipient: { ratePerSec: 1, burst: 3 } });
    expect(channel.customerServiceWindowMs).toBeUndefined();
    for (const m of ['disconnect', 'sendTyping', 'getProfile', 'downloadMedia'] as const) expect(typeof channel[m]).toBe('function');
  });

  it('declares its manifest in package.json and depends on the SDK only', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.parley).toMatchObject({ apiVersion: 1, capabilities: ['channel:telegram'] });
    expect(Object.keys(pkg.dependencies)).toEqual(['@parley/sdk']);
  });
});

describe('connect and webhook delivery', () => {
  it('getMe, then setWebhook to PUBLIC_URL/webhooks/telegram/<channelId> with a random secret', async () => {
    const bot = tg.registerBot({ username: 'acme_support_bot', firstName: 'Acme' });
    const result = await channel.connect(contextFor({ botToken: bot.token }, 'ch_77'));
    expect(result.accountId).toBe(bot.id);
    expect(result.info).toEqual({ username: 'acme_support_bot', firstName: 'Acme' });
    expect(tg.calls.map((c) => c.method)).toEqual(['getMe', 'getWebhookInfo', 'setWebhook']);
    expect(tg.webhookOf(bot)).toEqual({ url: `${hookUrl}/webhooks/telegram/ch_77`, secretToken: result.configPatch!.webhookSecret, allowedUpdates: ['message', 'edited_message', 'callback_query'] });
    expect(fetchCalls.every((c) => c.init?.signal instanceof AbortSignal)).toBe(true);
  });

  it('the same bot cannot feed a second channel (its webhook would be taken away from the first)', async () => {
    const { bot } = await connected();
    const err = await rejection(channel.connect(contextFor({ botToken: bot.token }, 'ch_second')));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(tg.webhookOf(bot)!.url).toBe(`${hookUrl}/webhooks/telegram/ch_spec`);
  });

  it('a token Telegram does not know → INVALID_CREDENTIALS, no webhook', async () => {
    const err = await rejection(channel.connect(contextFor({ botToken: '123456:unknown-token' })));
    expect(err).toMatchObject({ code: 'INVALID_CREDENTIALS', providerCode: 401 });
    expect(err.message).not.toContain('unknown-token');
    expect(tg.callsTo('setWebhook')).toHaveLength(0);
  });

  it('a user message reaches the webhook with the secret header and parses to a message of the private chat', async () => {
    const { bot, ctx, secret } = await connected();
    const user = tg.client(bot, { userId: 4242, chatId: 4242, firstName: 'Ana', userName: 'ana_b' });
    await user.sendMessage(user.makeMessage('Hola!'));
    const delivery = await tg.waitForDelivery((d) => d.token === bot.token);
    expect(delivery.status).toBe(200);
    const got = received.at(-1)!;
    expect(got.headers['x-telegram-bot-api-secret-token']).toBe(secret);
    expect(got.body).not.toContain(bot.token);
    const req = makeWebhookRequest(got.body, { headers: got.headers as Record<string, string> });
    expect(channel.webhook.verify(req, ctx, ctx.config)).toBe(true);
    const [event] = channel.webhook.parse(req, ctx) as InboundMessage[];
    expect(event).toMatchObject({ type: 'text', text: 'Hola!', sender: { externalId: '4242', name: 'Ana', username: 'ana_b' } });
    expect(event!.externalId).toMatch(/^4242:\d+$/);
  });
});

describe('send', () => {
  it('text: the user sees it; the id is <chat_id>:<message_id>', async () => {
    const { bot, ctx } = await connected();
    const user = tg.client(bot, { userId: 5151, chatId: 5151 });
    const result = await channel.send(ctx, text('5151', 'Hello from Parley'));
    expect(result.externalId).toMatch(/^5151:\d+$/);
    const updates = await user.getUpdates();
    expect(updates.result.map((u: any) => u.message.text)).toEqual(['Hello from Parley']);
    expect(tg.callsTo('sendMessage')[0]!.body).toEqual({ chat_id: 5151, text: 'Hello from Parley' });
    const again = await channel.send(ctx, text('5151', 'again'));
    expect(again.externalId).not.toBe(result.externalId);
  });

  it('buttons arrive as an inline keyboard; a press comes back as interactive with the button title', async () => {
    const { bot, ctx } = await connected();
    const user = tg.client(bot, { userId: 6161, chatId: 6161, firstName: 'Bo' });
    await channel.send(ctx, { id: 'b', to: { externalId: '6161' }, type: 'interactive', interactive: { kind: 'buttons', body: 'Sure?', buttons: [{ id: 'answer:yes', title: 'Yes' }, { id: 'answer:no', title: 'No' }] } });
    const [update] = (await user.getUpdates()).result as any[];
    expect(update.message.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'answer:yes' }, { text: 'No', callback_data: 'answer:no' }]] });
    const press = user.makeCallbackQuery('answer:yes', { message: { message_id: update.messageId, reply_markup: update.message.reply_markup } } as any);
    await user.sendCallback(press);
    await tg.waitForDelivery((d) => !!d.update.callback_query);
    const [event] = channel.webhook.parse(makeWebhookRequest(received.at(-1)!.body), ctx) as InboundMessage[];
    expect(event).toMatchObject({ type: 'interactive', text: 'Yes', content: { replyType: 'button', id: 'answer:yes', title: 'Yes' }, sender: { externalId: '6161' } });
    expect(event!.externalId).toMatch(/^cb:/);
  });

  it('a photo by file_id (sendPhoto, answered by the wrapper) and a location', async () => {
    const { bot, ctx } = await connected();
    const user = tg.client(bot, { userId: 7171, chatId: 7171 });
    const fileId = tg.registerFile(Buffer.from('jpeg'), { path: 'photos/file_9.jpg' });
    const photo = await channel.send(ctx, { id: 'p', to: { externalId: '7171' }, type: 'image', media: { providerMediaId: fileId, caption: 'Your receipt' } });
    expect(photo.externalId).toMatch(/^7171:\d+$/);
    await channel.send(ctx, { id: 'l', to: { externalId: '7171' }, type: 'location', location: { latitude: 38.7, longitude: -9.1 } } as OutboundMessage);
    expect(tg.callsTo('sendPhoto')[0]!.body).toEqual({ chat_id: 7171, photo: fileId, caption: 'Your receipt' });
    expect(tg.callsTo('sendLocation')[0]!.body).toEqual({ chat_id: 7171, latitude: 38.7, longitude: -9.1 });
    const seen = (await user.getUpdates()).result.map((u: any) => u.message.text);
    expect(seen).toEqual(['Your receipt', '']);
  });

  it('a group chat with a negative id', async () => {
    const { bot, ctx } = await connected();
    const group = tg.client(bot, { userId: 8181, chatId: -1001319789908, type: 'supergroup', chatTitle: 'Support group' } as any);
    const result = await channel.send(ctx, text('-1001319789908', 'Hi group'));
    expect(result.externalId).toMatch(/^-1001319789908:\d+$/);
    expect(tg.callsTo('sendMessage')[0]!.body.chat_id).toBe(-1001319789908);
    expect((await group.getUpdates()).result.map((u: any) => u.message.text)).toEqual(['Hi group']);
  });

  it('429 with retry_after → RATE_LIMITED with retryAfterMs; 403 blocked → RECIPIENT_UNREACHABLE', async () => {
    const { ctx } = await connected();
    tg.failNext('sendMessage', { status: 429, body: readFixtureJson('telegram', 'response_error_429_flood__tucnak_telebot.json') });
    expect(await rejection(channel.send(ctx, text('1', 'x')))).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 8000 });
    tg.failNext('sendMessage', { status: 403, body: readFixtureJson('telegram', 'response_error_403_blocked__tucnak_telebot_errors_go.json') });
    expect(await rejection(channel.send(ctx, text('1', 'x')))).toMatchObject({ code: 'RECIPIENT_UNREACHABLE', retryable: false });
    tg.failNext('sendMessage', { status: 502, body: '<html>Bad Gateway</html>' });
    expect(await rejection(channel.send(ctx, text('1', 'x')))).toMatchObject({ code: 'TEMPORARY', retryable: true, providerCode: 502 });
  });

  it('a revoked token → INVALID_CREDENTIALS; a dead server → TEMPORARY; the global fetch is never used', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new Error('global fetch must not be used')));
    expect((await rejection(channel.send(contextFor({ botToken: '999:revoked' }), text('1', 'x')))).code).toBe('INVALID_CREDENTIALS');
    vi.unstubAllGlobals();
    const dead = makeChannelContext<TelegramConfig>({ botToken: '1:a' }, { setting: () => 'http://127.0.0.1:1', fetch: hostFetch, logger: console });
    expect(await rejection(channel.send(dead, text('1', 'x')))).toMatchObject({ code: 'TEMPORARY', retryable: true });
  });
});

describe('typing, media and profile photos', () => {
  it('sendChatAction typing (answered by the wrapper)', async () => {
    const { ctx } = await connected();
    await channel.sendTyping!(ctx, { to: { externalId: '-1001319789908' } });
    expect(tg.callsTo('sendChatAction').map((c) => c.body)).toEqual([{ chat_id: -1001319789908, action: 'typing' }]);
  });

  it('downloadMedia: getFile then the file server', async () => {
    const { ctx } = await connected();
    const data = Buffer.from('OggS voice bytes');
    const fileId = tg.registerFile(data, { path: 'voice/file_3.oga' });
    expect(await channel.downloadMedia!(ctx, fileId)).toEqual({ data, mimeType: 'audio/ogg', filename: 'file_3.oga' });
    const err = await rejection(channel.downloadMedia!(ctx, 'no-such-file'));
    expect(err.code).toBe('INVALID_MESSAGE');
  });

  it('getProfile names the largest photo; its bytes come through downloadMedia', async () => {
    const { ctx } = await connected();
    const data = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const largest = tg.setProfilePhoto(9191, { data });
    const profile = await channel.getProfile!(ctx, '9191');
    expect(profile).toEqual({ avatar: { providerMediaId: largest } });
    expect((await channel.downloadMedia!(ctx, largest)).data.equals(data)).toBe(true);
    expect(await channel.getProfile!(ctx, '9292')).toBeNull();
  });
});

describe('disconnect', () => {
  it('deleteWebhook: no more deliveries', async () => {
    const { bot, ctx } = await connected();
    await channel.disconnect!(ctx);
    expect(tg.callsTo('deleteWebhook')).toHaveLength(1);
    expect(tg.webhookOf(bot)).toBeUndefined();
  });
});
