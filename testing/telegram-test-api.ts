/**
 * telegram-test-api 4.2.1 (an independent Bot API emulator on npm) with a thin wrapper that
 * fills its gaps, for the Telegram plugin's specs and core's integration tests.
 *
 *   const tg = await startTelegramTestApi();
 *   const bot = tg.registerBot();                 // token `<id>:<secret>`, as @BotFather issues
 *   // TELEGRAM_API_URL = tg.url
 *   const user = tg.client(bot, { userId: 4242, firstName: 'Ana' });
 *   await user.sendMessage(user.makeMessage('hi'));  // the emulator pushes it to the bot's webhook
 *   const { result } = await user.getUpdates();      // what the bot sent to the user's chat
 *
 * Layout: a node:http proxy (`tg.url`) in front of the emulator (`tg.emulatorUrl`). Bot API
 * calls `/bot<token>/<method>` reach the proxy, which records them (`tg.calls`) and:
 * - refuses tokens that were not registered: 401 `{"ok":false,"error_code":401,"description":"Unauthorized"}`
 *   (the emulator accepts any token);
 * - answers itself what 4.2.1 lacks or gets wrong, as the Bot API documents it:
 *   `getMe` (the emulator answers the same bot, id 666, for every token), `getWebhookInfo`, `sendChatAction`,
 *   `getUserProfilePhotos`, `getFile` and `GET /file/bot<token>/<file_path>`, and the media
 *   sends `sendPhoto`, `sendDocument`, `sendAudio`, `sendVoice`, `sendVideo`, `sendSticker`,
 *   `sendLocation` (stored in the emulator as bot messages, so the user's client sees them);
 * - forwards everything else (`sendMessage`, `setWebhook`, `deleteWebhook`, …) to the emulator,
 *   turning its non-Bot-API error bodies (`{"message":…}`, HTTP 500) into `{ok:false,…}`;
 * - `setWebhook`: validates `secret_token` (1–256 of `A-Z a-z 0-9 _ -`), remembers the URL and
 *   secret, and registers a relay URL of the proxy with the emulator instead. The emulator pushes
 *   updates to the relay without the secret header; the relay removes the emulator's non-Bot-API
 *   `botToken` field from the update, adds `X-Telegram-Bot-Api-Secret-Token`, posts it to the
 *   real URL and records the outcome (`tg.deliveries`). It always answers the emulator 200 (the
 *   emulator's client routes do not await deliveries, so a failure would be an unhandled rejection).
 *
 * `failNext(method, answer)` injects Bot API errors (e.g. the 429 fixture with `retry_after`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

/** A client of the emulator (a Telegram user), as `TelegramServer.getClient` returns it. */
export type TelegramTestClient = ReturnType<TelegramServer['getClient']>;
/** Options of {@link TelegramTestApi.client}: `userId`, `chatId`, `firstName`, `userName`, `type`, `chatTitle`, `timeout`. */
export type TelegramClientOptions = NonNullable<Parameters<TelegramServer['getClient']>[1]>;

/** A bot known to the wrapper. */
export interface TelegramTestBot {
  token: string;
  /** Bot id (the token's prefix), as a string. */
  id: string;
  username: string;
  firstName: string;
}

/** A Bot API call as the proxy received it. */
export interface RecordedBotApiCall {
  method: string;
  token: string;
  httpMethod: string;
  /** Parameters: JSON body, form body or query string. */
  body: Record<string, any>;
  at: number;
}

/** The webhook a bot registered (the real target, not the relay). */
export interface RegisteredWebhook {
  url: string;
  secretToken: string | null;
  allowedUpdates: string[] | null;
}

/** An update the relay delivered to a bot's webhook. */
export interface WebhookDelivery {
  token: string;
  url: string;
  update: Record<string, any>;
  /** HTTP status of the bot's answer (0: unreachable). */
  status: number;
  responseText: string;
  at: number;
}

/** A canned Bot API answer for {@link TelegramTestApi.failNext}. */
export interface CannedAnswer {
  status: number;
  body: unknown;
}

export interface TelegramTestApi {
  /** Bot API base for `TELEGRAM_API_URL`, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The emulator itself (its client routes: `/sendMessage`, `/getUpdates`, …). */
  readonly emulatorUrl: string;
  readonly server: TelegramServer;
  /** Every Bot API call received, in order (cleared by {@link reset}). */
  readonly calls: RecordedBotApiCall[];
  /** Every relayed webhook delivery, in order (cleared by {@link reset}). */
  readonly deliveries: WebhookDelivery[];
  /** Registers a bot; its token is `<id>:<random>` unless given. */
  registerBot(options?: { token?: string; username?: string; firstName?: string }): TelegramTestBot;
  /** A user of the emulator talking to `bot`. */
  client(bot: TelegramTestBot | string, options?: Partial<TelegramClientOptions>): TelegramTestClient;
  /** The webhook a bot registered, if any. */
  webhookOf(bot: TelegramTestBot | string): RegisteredWebhook | undefined;
  /** Sends the next relayed updates of `bot` with this secret header (null: none) instead of the registered one. */
  overrideWebhookSecret(bot: TelegramTestBot | string, secret: string | null | undefined): void;
  /** Gives a user a profile photo (answered by getUserProfilePhotos; bytes via getFile). Returns the largest size's file_id. */
  setProfilePhoto(userId: number | string, photo: { data: Buffer; path?: string }): string;
  /** Stores a file for getFile and the file server; returns its file_id. */
  registerFile(data: Buffer, options?: { fileId?: string; path?: string }): string;
  /** Answers the next call of `method` (any bot) with `answer` instead of handling it. */
  failNext(method: string, answer: CannedAnswer): void;
  /** Recorded calls of one method (optionally of one bot). */
  callsTo(method: string, bot?: TelegramTestBot | string): RecordedBotApiCall[];
  /** Waits until a call of `method` satisfying `predicate` was recorded. */
  waitForCall(method: string, predicate?: (c: RecordedBotApiCall) => boolean, timeoutMs?: number): Promise<RecordedBotApiCall>;
  /** Waits until a delivery satisfying `predicate` was recorded. */
  waitForDelivery(predicate: (d: WebhookDelivery) => boolean, timeoutMs?: number): Promise<WebhookDelivery>;
  /** Forgets calls, deliveries and canned answers (bots, webhooks and files stay). */
  reset(): void;
  close(): Promise<void>;
}

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
/** Media sends 4.2.1 lacks, with the field holding the file. */
const MEDIA_SENDS: Record<string, string> = {
  sendPhoto: 'photo',
  sendDocument: 'document',
  sendAudio: 'audio',
  sendVoice: 'voice',
  sendVideo: 'video',
  sendSticker: 'sticker',
};

const tokenOf = (bot: TelegramTestBot | string) => (typeof bot === 'string' ? bot : bot.token);

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parameters of a Bot API request: JSON body, urlencoded body, or the query string. */
function paramsOf(raw: Buffer, contentType: string | undefined, query: URLSearchParams): Record<string, any> {
  const params: Record<string, any> = Object.fromEntries(query);
  if (raw.length === 0) return params;
  const text = raw.toString('utf8');
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    return params;
  }
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && !Array.isArray(body)) Object.assign(params, body);
  } catch {
    /* not JSON: query only */
  }
  return params;
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = Buffer.isBuffer(body) ? body : typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const badRequest = (description: string) => ({ status: 400, body: { ok: false, error_code: 400, description: `Bad Request: ${description}` } });

/** Removes the emulator's `botToken` fields (not part of the Bot API) from an update. */
function cleanUpdate(update: Record<string, any>): Record<string, any> {
  const copy = JSON.parse(JSON.stringify(update));
  for (const key of ['message', 'edited_message', 'callback_query']) {
    if (copy[key] && typeof copy[key] === 'object') {
      delete copy[key].botToken;
      if (copy[key].message && typeof copy[key].message === 'object') delete copy[key].message.botToken;
    }
  }
  return copy;
}

/** Starts the emulator and the wrapping proxy on free local ports. */
export async function startTelegramTestApi(opts: { host?: string } = {}): Promise<TelegramTestApi> {
  const host = opts.host ?? '127.0.0.1';

  // The emulator takes a fixed port (0 means its default 9000): pick a free one, retry on a race.
  let server: TelegramServer | undefined;
  for (let attempt = 1; !server; attempt++) {
    const candidate = new TelegramServer({ port: await freePort(host), host, storeTimeout: 3600 });
    try {
      await candidate.start();
      server = candidate;
    } catch (err) {
      if (attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  const emulator = server;
  const emulatorUrl = emulator.config.apiURL;

  const bots = new Map<string, TelegramTestBot>();
  const webhooks = new Map<string, RegisteredWebhook>();
  const secretOverrides = new Map<string, string | null>();
  const files = new Map<string, { data: Buffer; path: string }>();
  const filesByPath = new Map<string, string>();
  const profilePhotos = new Map<string, string[]>();
  const canned = new Map<string, CannedAnswer[]>();
  const calls: RecordedBotApiCall[] = [];
  const deliveries: WebhookDelivery[] = [];
  let proxyUrl = '';
  let fileSeq = 0;

  const registerFile = (data: Buffer, options: { fileId?: string; path?: string } = {}): string => {
    fileSeq++;
    const fileId = options.fileId ?? `BQACAgIAAx${randomBytes(12).toString('base64url')}${fileSeq}`;
    const path = options.path ?? `documents/file_${fileSeq}.bin`;
    files.set(fileId, { data, path });
    filesByPath.set(path, fileId);
    return fileId;
  };

  const botOf = (token: string) => bots.get(token);
  const now = () => Math.floor(Date.now() / 1000);

  /** Stores a bot message in the emulator (so clients see it) and returns its Bot API Message. */
  const storeBotMessage = (token: string, params: Record<string, any>, extra: Record<string, unknown>) => {
    const bot = botOf(token)!;
    const stored = emulator.addBotMessage({ ...params, text: typeof params.caption === 'string' ? params.caption : '' } as never, token) as unknown as { message_id: number };
    const chatId = params.chat_id;
    const chat = String(chatId).startsWith('-') ? { id: chatId, type: 'supergroup', title: 'Group' } : { id: chatId, type: 'private' };
    const message: Record<string, unknown> = {
      message_id: stored.message_id,
      from: { id: Number(bot.id), is_bot: true, first_name: bot.firstName, username: bot.username },
      chat,
      date: now(),
      ...extra,
    };
    if (typeof params.caption === 'string' && params.caption !== '') message.caption = params.caption;
    return message;
  };

  const fileFieldOf = (value: unknown, kind: string): Record<string, unknown> => {
    const known = typeof value === 'string' ? files.get(value) : undefined;
    const fileId = known ? (value as string) : registerFile(Buffer.from(`${kind} from ${String(value)}`), { path: `${kind}s/file_${fileSeq + 1}.bin` });
    return { file_id: fileId, file_unique_id: `AQAD${fileSeq}`, file_size: (known ?? files.get(fileId)!).data.length };
  };

  /** Answers of the methods the wrapper handles itself; undefined → forward to the emulator. */
  const local = (method: string, token: string, p: Record<string, any>): CannedAnswer | undefined => {
    const ok = (result: unknown) => ({ status: 200, body: { ok: true, result } });
    const bot = botOf(token)!;
    if (method === 'getMe') {
      return ok({ id: Number(bot.id), is_bot: true, first_name: bot.firstName, username: bot.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
    }
    if (method === 'getWebhookInfo') {
      const hook = webhooks.get(token);
      const info: Record<string, unknown> = { url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 };
      if (hook) info.max_connections = 40;
      if (hook?.allowedUpdates) info.allowed_updates = hook.allowedUpdates;
      return ok(info);
    }
    if (method === 'sendChatAction') {
      if (p.chat_id === undefined || p.chat_id === '') return badRequest('chat_id is empty');
      const actions = ['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note'];
      if (!actions.includes(p.action)) return badRequest('wrong parameter action in request');
      return ok(true);
    }
    if (method === 'getUserProfilePhotos') {
      if (p.user_id === undefined) return badRequest('user_id is empty');
      const sizes = profilePhotos.get(String(p.user_id)) ?? [];
      const photos = sizes.length
        ? [sizes.map((fileId, i) => ({ file_id: fileId, file_unique_id: `AQADp${i}`, file_size: files.get(fileId)!.data.length, width: 160 * 2 ** i, height: 160 * 2 ** i }))]
        : [];
      return ok({ total_count: photos.length, photos: Number(p.limit ?? 100) > 0 ? photos : [] });
    }
    if (method === 'getFile') {
      const file = typeof p.file_id === 'string' ? files.get(p.file_id) : undefined;
      if (!file) return badRequest('invalid file_id');
      return ok({ file_id: p.file_id, file_unique_id: `AQAD${p.file_id.slice(-6)}`, file_size: file.data.length, file_path: file.path });
    }
    if (method in MEDIA_SENDS) {
      const field = MEDIA_SENDS[method]!;
      if (p.chat_id === undefined || p.chat_id === '') return badRequest('chat_id is empty');
      if (typeof p[field] !== 'string' || p[field] === '') return badRequest(`there is no ${field} in the request`);
      const file = fileFieldOf(p[field], field);
      const value = field === 'photo' ? [{ ...file, width: 320, height: 240 }] : file;
      return ok(storeBotMessage(token, p, { [field]: value }));
    }
    if (method === 'sendLocation') {
      if (p.chat_id === undefined || p.chat_id === '') return badRequest('chat_id is empty');
      const latitude = Number(p.latitude);
      const longitude = Number(p.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return badRequest('wrong latitude or longitude');
      return ok(storeBotMessage(token, p, { location: { latitude, longitude } }));
    }
    return undefined;
  };

  const forward = async (path: string, p: Record<string, any>): Promise<CannedAnswer> => {
    const response = await fetch(emulatorUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p) });
    const text = await response.text();
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    if (body && typeof body === 'object' && 'ok' in body) return { status: response.status, body };
    // The emulator answers errors as `{"message": …}` with HTTP 500: use the Bot API's shape.
    const message = String(body?.message ?? text);
    if (/is not supported/.test(message)) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    return badRequest(message.replace(/^Something went wrong\. (AssertionError[^:]*: )?/, ''));
  };

  const handleBotApi = async (token: string, method: string, req: IncomingMessage, query: URLSearchParams): Promise<CannedAnswer> => {
    const p = paramsOf(await readRaw(req), req.headers['content-type'], query);
    calls.push({ method, token, httpMethod: req.method ?? 'GET', body: p, at: Date.now() });
    if (!bots.has(token)) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    const queued = canned.get(method);
    if (queued?.length) return queued.shift()!;
    const answered = local(method, token, p);
    if (answered) return answered;
    if (method === 'setWebhook') {
      if (typeof p.url !== 'string') return badRequest('bad webhook: an HTTP URL must be provided for webhook');
      if (p.url === '') {
        webhooks.delete(token);
        await forward(`/bot${token}/deleteWebhook`, {});
        return { status: 200, body: { ok: true, result: true, description: 'Webhook was deleted' } };
      }
      if (p.secret_token !== undefined && !SECRET_TOKEN.test(String(p.secret_token))) return badRequest('secret token contains unallowed characters');
      const allowed = typeof p.allowed_updates === 'string' ? JSON.parse(p.allowed_updates) : p.allowed_updates;
      webhooks.set(token, { url: p.url, secretToken: p.secret_token ?? null, allowedUpdates: Array.isArray(allowed) ? allowed : null });
      const answer = await forward(`/bot${token}/setWebhook`, { url: `${proxyUrl}/__relay/${botOf(token)!.id}` });
      if (answer.status !== 200) return answer;
      return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
    }
    if (method === 'deleteWebhook') webhooks.delete(token);
    return forward(`/bot${token}/${method}`, p);
  };

  const relay = async (botId: string, req: IncomingMessage): Promise<void> => {
    const raw = await readRaw(req);
    const bot = [...bots.values()].find((b) => b.id === botId);
    const hook = bot && webhooks.get(bot.token);
    if (!bot || !hook) return;
    const update = cleanUpdate(JSON.parse(raw.toString('utf8')));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const secret = secretOverrides.has(bot.token) ? secretOverrides.get(bot.token) : hook.secretToken;
    if (secret) headers['x-telegram-bot-api-secret-token'] = secret;
    const delivery: WebhookDelivery = { token: bot.token, url: hook.url, update, status: 0, responseText: '', at: Date.now() };
    try {
      const response = await fetch(hook.url, { method: 'POST', headers, body: JSON.stringify(update) });
      delivery.status = response.status;
      delivery.responseText = await response.text();
    } catch (err) {
      delivery.responseText = String(err);
    }
    deliveries.push(delivery);
  };

  const proxy: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const botApi = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    const relayRoute = /^\/__relay\/([^/]+)$/.exec(url.pathname);
    const work = async () => {
      if (botApi) {
        const token = decodeURIComponent(botApi[1]!);
        const answer = await handleBotApi(token, botApi[2]!, req, url.searchParams);
        return send(res, answer.status, answer.body);
      }
      if (fileRoute && req.method === 'GET') {
        const token = decodeURIComponent(fileRoute[1]!);
        const path = fileRoute[2]!.split('/').map(decodeURIComponent).join('/');
        calls.push({ method: 'file', token, httpMethod: 'GET', body: { file_path: path }, at: Date.now() });
        const fileId = filesByPath.get(path);
        if (!bots.has(token) || !fileId) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        return send(res, 200, files.get(fileId)!.data, 'application/octet-stream');
      }
      if (relayRoute && req.method === 'POST') {
        await relay(relayRoute[1]!, req);
        return send(res, 200, { ok: true });
      }
      return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    };
    work().catch((err) => send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }));
  });
  await new Promise<void>((resolve, reject) => proxy.once('error', reject).listen(0, host, resolve));
  proxyUrl = `http://${host}:${(proxy.address() as AddressInfo).port}`;

  const waitFor = async <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = find();
      if (hit !== undefined) return hit;
      if (Date.now() > until) throw new Error(`telegram-test-api: no ${what} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    url: proxyUrl,
    emulatorUrl,
    server: emulator,
    calls,
    deliveries,
    registerBot(options = {}) {
      const token = options.token ?? `${7_000_000_000 + Math.floor(Math.random() * 1_000_000_000)}:AAH${randomBytes(24).toString('base64url')}`;
      const id = token.split(':')[0]!;
      const bot: TelegramTestBot = { token, id, username: options.username ?? `parley_test_${id}_bot`, firstName: options.firstName ?? 'Parley Test Bot' };
      bots.set(token, bot);
      return bot;
    },
    client(bot, options = {}) {
      return emulator.getClient(tokenOf(bot), { timeout: 5_000, ...options });
    },
    webhookOf: (bot) => webhooks.get(tokenOf(bot)),
    overrideWebhookSecret(bot, secret) {
      if (secret === undefined) secretOverrides.delete(tokenOf(bot));
      else secretOverrides.set(tokenOf(bot), secret);
    },
    setProfilePhoto(userId, photo) {
      const base = photo.path ?? `profile_photos/file_${fileSeq + 1}.jpg`;
      const small = registerFile(photo.data.subarray(0, Math.max(1, Math.floor(photo.data.length / 4))), { path: base.replace(/(\.\w+)?$/, '_small$1') });
      const large = registerFile(photo.data, { path: base });
      profilePhotos.set(String(userId), [small, large]);
      return large;
    },
    registerFile,
    failNext(method, answer) {
      const list = canned.get(method) ?? [];
      list.push(answer);
      canned.set(method, list);
    },
    callsTo: (method, bot) => calls.filter((c) => c.method === method && (bot === undefined || c.token === tokenOf(bot))),
    waitForCall: (method, predicate = () => true, timeoutMs = 10_000) => waitFor(() => calls.find((c) => c.method === method && predicate(c)), `${method} call`, timeoutMs),
    waitForDelivery: (predicate, timeoutMs = 10_000) => waitFor(() => deliveries.find(predicate), 'webhook delivery', timeoutMs),
    reset() {
      calls.length = 0;
      deliveries.length = 0;
      canned.clear();
      secretOverrides.clear();
    },
    async close() {
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      });
      await emulator.stop();
    },
  };
}
