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
  /** Delay before every answer, in ms (simulates Graph latency for benchmarks). */
  setLatency(ms: number): void;
  /** Clears recorded requests, queued failures and issued media URLs (keeps registrations). */
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
  const requests: RecordedRequest[] = [];
  let failures: Failure[] = [];
  let waiters: Waiter[] = [];
  let latencyMs = opts.latencyMs ?? 0;
  let origin = '';

  const tokenOf = (headers: IncomingHttpHeaders): string | undefined => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    return match?.[1];
  };
  const knownToken = (token: string | undefined) => token !== undefined && [...phones.values()].some((p) => p.accessToken === token);
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
    const m = VERSIONED.exec(req.path);
    if (!m) return { status: 400, body: graphError(2500, 'Unknown path components: ' + req.path) };
    const id = decodeURIComponent(m[2]!);
    const edge = m[3];
    const token = tokenOf(req.headers);
    if (token === undefined) return invalidToken();
    const phone = phones.get(id);
    if (edge === 'messages' && req.method === 'POST') {
      if (!phone) return unsupported('post', id);
      if (phone.accessToken !== token) return invalidToken();
      return routeSend(req);
    }
    if (edge === undefined && req.method === 'GET') {
      if (phone) return phone.accessToken === token ? phoneInfo(phone, req.query.fields) : invalidToken();
      const file = media.get(id);
      if (file) return (file.accessToken ? file.accessToken === token : knownToken(token)) ? mediaInfo(id, file) : invalidToken();
      return unsupported('get', id);
    }
    return unsupported(req.method, id);
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
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
