/**
 * The channel against the fake Graph API over real HTTP: connect, send, typing, media download
 * and error mapping, through the plugin as the host loads it.
 */
import { readFileSync } from 'node:fs';
import { ChannelError, loadPluginForTest, makeChannelContext, type ChannelContext, type ChannelDefinition, type OutboundMessage } from '@parley/sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../../../testing/fake-graph-api.js';
import { readFixtureJson } from '../../../testing/fixtures.js';
import plugin, { type WhatsAppConfig } from './index.js';

const PHONE_NUMBER_ID = '106540352242922';
const TOKEN = 'EAAG-test-token';
const config: WhatsAppConfig = { phoneNumberId: PHONE_NUMBER_ID, wabaId: '102290129340398', accessToken: TOKEN };

let graph: FakeGraphApi;
let channel: ChannelDefinition<WhatsAppConfig>;
let ctx: ChannelContext<WhatsAppConfig>;
const fetchCalls: { url: string; init?: RequestInit }[] = [];
const realFetch = globalThis.fetch;

/** The host's fetch: records calls so tests can check every request goes through it. */
const hostFetch: typeof fetch = (input, init) => {
  fetchCalls.push({ url: String(input), init });
  return realFetch(input, init);
};

const contextWith = (overrides: Partial<WhatsAppConfig> = {}, fetchImpl: typeof fetch = hostFetch) =>
  makeChannelContext<WhatsAppConfig>({ ...config, ...overrides }, { setting: (n) => (n === 'META_GRAPH_URL' ? graph.url : undefined), fetch: fetchImpl, logger: console });

async function rejection(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }
  throw new Error('expected a ChannelError');
}

const text = (body: string, extra: Partial<OutboundMessage> = {}): OutboundMessage => ({ id: 'm1', to: { externalId: '16505551234', phone: '16505551234' }, type: 'text', text: body, ...extra });

beforeAll(async () => {
  graph = await startFakeGraphApi();
  const host = await loadPluginForTest(plugin, { META_GRAPH_URL: graph.url, META_APP_SECRET: 's', META_VERIFY_TOKEN: 'v' }, hostFetch);
  channel = host.channels.get('whatsapp') as ChannelDefinition<WhatsAppConfig>;
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => {
  graph.reset();
  fetchCalls.length = 0;
  graph.registerPhoneNumber(PHONE_NUMBER_ID, { accessToken: TOKEN, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub', qualityRating: 'GREEN' });
  ctx = contextWith();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('plugin', () => {
  it('registers the whatsapp channel with account routing and a 24 h window', () => {
    expect(plugin.id).toBe('whatsapp');
    expect(channel.type).toBe('whatsapp');
    expect(channel.webhook.routing).toBe('account');
    expect(channel.secretFields).toEqual(['accessToken']);
    expect(channel.customerServiceWindowMs).toBe(24 * 60 * 60 * 1000);
    expect(channel.getProfile).toBeUndefined();
    expect(typeof channel.sendTyping).toBe('function');
    expect(typeof channel.downloadMedia).toBe('function');
    expect(channel.parseConfig(config)).toEqual(config);
  });

  it('declares its manifest in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.parley).toMatchObject({ apiVersion: 1, capabilities: ['channel:whatsapp'] });
    expect(Object.keys(pkg.dependencies)).toEqual(['@parley/sdk']);
  });
});

describe('connect', () => {
  it('reads the phone number and returns it as the routing key', async () => {
    const result = await channel.connect(ctx);
    expect(result).toEqual({ accountId: PHONE_NUMBER_ID, info: { displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub', qualityRating: 'GREEN' } });
    const [req] = graph.requests;
    expect(req).toMatchObject({ method: 'GET', path: `/v24.0/${PHONE_NUMBER_ID}`, query: { fields: 'display_phone_number,verified_name,quality_rating' } });
    expect(req!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('a rejected token (401, code 190) → INVALID_CREDENTIALS', async () => {
    const err = await rejection(channel.connect(contextWith({ accessToken: 'expired' })));
    expect(err.code).toBe('INVALID_CREDENTIALS');
    expect(err.providerCode).toBe(190);
    expect(err.retryable).toBe(false);
  });

  it('an unknown phone number id (code 100) → INVALID_CONFIG', async () => {
    const err = await rejection(channel.connect(contextWith({ phoneNumberId: '999' })));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.providerCode).toBe(100);
  });
});

describe('send', () => {
  it('posts the text body with the Bearer token and returns the wamid', async () => {
    const result = await channel.send(ctx, text('See https://parley.example/x'));
    expect(result.externalId).toMatch(/^wamid\.HBgL/);
    const sent = graph.sentMessages(PHONE_NUMBER_ID);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent[0]!.headers['content-type']).toBe('application/json');
    expect(sent[0]!.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234', type: 'text', text: { preview_url: true, body: 'See https://parley.example/x' } });
    const again = await channel.send(ctx, text('again'));
    expect(again.externalId).not.toBe(result.externalId);
  });

  it('uses the host fetch with a timeout signal, never the global fetch', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new Error('global fetch must not be used')));
    await channel.send(ctx, text('hi'));
    expect(fetchCalls).toHaveLength(1);
    expect(fetchCalls[0]!.url).toBe(`${graph.url}/${PHONE_NUMBER_ID}/messages`);
    expect(fetchCalls[0]!.init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('sends to a business-scoped user id through `recipient`', async () => {
    const bsuid = readFixtureJson('whatsapp', 'send_response_bsuid__meta_docs.json').contacts[0].user_id;
    const result = await channel.send(ctx, text('hi', { to: { externalId: bsuid, phone: null } }));
    expect(result.externalId).toMatch(/^wamid\./);
    expect(graph.sentMessages()[0]!.body).toMatchObject({ recipient: bsuid, type: 'text' });
    expect(graph.sentMessages()[0]!.body.to).toBeUndefined();
  });

  it('sends media, templates, interactive messages, reactions and replies', async () => {
    await channel.send(ctx, { id: 'a', to: { externalId: '16505551234', phone: '16505551234' }, type: 'image', media: { providerMediaId: '1479537139650973', caption: 'The best succulent ever?' } });
    await channel.send(ctx, { id: 'b', to: { externalId: '16505551234', phone: '16505551234' }, type: 'document', media: { url: 'https://files.example/receipt.pdf', filename: 'receipt.pdf' } });
    const template = readFixtureJson('whatsapp', 'send_template_named_params_request__meta_docs.json').template;
    await channel.send(ctx, { id: 'c', to: { externalId: '16505551234', phone: '16505551234' }, type: 'template', template: { name: template.name, language: 'en_US', components: template.components } });
    await channel.send(ctx, { id: 'd', to: { externalId: '16505551234', phone: '16505551234' }, type: 'interactive', interactive: { kind: 'buttons', body: 'Pick', buttons: [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }] } });
    await channel.send(ctx, { id: 'e', to: { externalId: '16505551234', phone: '16505551234' }, type: 'reaction', reaction: { targetExternalId: 'wamid.T', emoji: '❤️' } });
    await channel.send(ctx, text('quoted', { replyToExternalId: 'wamid.Q' }));
    const bodies = graph.sentMessages().map((r) => r.body);
    expect(bodies.map((b) => b.type)).toEqual(['image', 'document', 'template', 'interactive', 'reaction', 'text']);
    expect(bodies[0].image).toEqual({ id: '1479537139650973', caption: 'The best succulent ever?' });
    expect(bodies[1].document).toEqual({ link: 'https://files.example/receipt.pdf', filename: 'receipt.pdf' });
    expect(bodies[2].template).toEqual(template);
    expect(bodies[3].interactive.action.buttons).toEqual([{ type: 'reply', reply: { id: 'y', title: 'Yes' } }, { type: 'reply', reply: { id: 'n', title: 'No' } }]);
    expect(bodies[4].reaction).toEqual({ message_id: 'wamid.T', emoji: '❤️' });
    expect(bodies[5].context).toEqual({ message_id: 'wamid.Q' });
  });

  it('refuses an invalid message before calling the Graph API', async () => {
    const err = await rejection(channel.send(ctx, text('')));
    expect(err.code).toBe('INVALID_MESSAGE');
    expect(graph.requests).toHaveLength(0);
  });

  it('maps the 130429 fixture (HTTP 400) to a retryable RATE_LIMITED', async () => {
    graph.failNext({ path: /\/messages$/ }, { status: 400, body: readFixtureJson('whatsapp', 'send_error_130429__meta_docs.json') });
    const err = await rejection(channel.send(ctx, text('hi')));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, providerCode: 130429 });
    expect(err.providerMessage).toMatch(/throughput has been reached/);
    // The next send goes through.
    expect((await channel.send(ctx, text('hi'))).externalId).toMatch(/^wamid\./);
  });

  it('maps the 131056 fixture (HTTP 400) to a retryable RECIPIENT_RATE_LIMITED', async () => {
    graph.failNext({ path: /\/messages$/ }, { status: 400, body: readFixtureJson('whatsapp', 'send_error_131056__captured_test_fixture.json') });
    const err = await rejection(channel.send(ctx, text('hi')));
    expect(err).toMatchObject({ code: 'RECIPIENT_RATE_LIMITED', retryable: true, providerCode: 131056 });
  });

  it('maps 131047 to OUTSIDE_CUSTOMER_SERVICE_WINDOW (not retryable)', async () => {
    graph.failNext({ path: /\/messages$/ }, { status: 400, body: { error: readFixtureJson('whatsapp', 'status_errors_element_131047__captured_code_comment.json') } });
    const err = await rejection(channel.send(ctx, text('hi')));
    expect(err).toMatchObject({ code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW', retryable: false });
  });

  it('a wrong token → INVALID_CREDENTIALS; an HTML 502 → TEMPORARY; a dead server → TEMPORARY', async () => {
    expect((await rejection(channel.send(contextWith({ accessToken: 'revoked' }), text('hi')))).code).toBe('INVALID_CREDENTIALS');
    graph.failNext({}, { status: 502, body: '<html>Bad Gateway</html>' });
    const gateway = await rejection(channel.send(ctx, text('hi')));
    expect(gateway).toMatchObject({ code: 'TEMPORARY', retryable: true, providerCode: 502 });

    const dead = await startFakeGraphApi();
    const deadUrl = dead.url;
    await dead.close();
    const deadCtx = makeChannelContext<WhatsAppConfig>(config, { setting: () => deadUrl, fetch: hostFetch, logger: console });
    const network = await rejection(channel.send(deadCtx, text('hi')));
    expect(network).toMatchObject({ code: 'TEMPORARY', retryable: true });
  });

  it('a timeout → TEMPORARY', async () => {
    const timingOut: typeof fetch = () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const err = await rejection(channel.send(contextWith({}, timingOut), text('hi')));
    expect(err.code).toBe('TEMPORARY');
    expect(err.message).toMatch(/timed out/);
  });

  it('a 200 without a message id is not retried (the message may have gone out)', async () => {
    graph.failNext({}, { status: 200, body: { messaging_product: 'whatsapp', messages: [] } });
    const err = await rejection(channel.send(ctx, text('hi')));
    expect(err).toMatchObject({ code: 'PERMANENT', retryable: false });
  });
});

describe('sendTyping', () => {
  it('posts exactly one mark-read + typing indicator for the last inbound message', async () => {
    const expected = readFixtureJson('whatsapp', 'mark_read_with_typing_indicator_request__meta_docs.json');
    await channel.sendTyping!(ctx, { to: { externalId: '16505551234', phone: '16505551234' }, lastInboundExternalId: expected.message_id });
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]).toMatchObject({ method: 'POST', path: `/v24.0/${PHONE_NUMBER_ID}/messages`, body: expected });
    expect(graph.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(graph.sentMessages()).toHaveLength(0);
  });

  it('makes no call without a last inbound message id', async () => {
    await channel.sendTyping!(ctx, { to: { externalId: '16505551234' } });
    await channel.sendTyping!(ctx, { to: { externalId: '16505551234' }, lastInboundExternalId: null });
    expect(graph.requests).toHaveLength(0);
    expect(fetchCalls).toHaveLength(0);
  });

  it('reports failures as ChannelError', async () => {
    graph.failNext({}, { status: 400, body: readFixtureJson('whatsapp', 'send_error_130429__meta_docs.json') });
    expect((await rejection(channel.sendTyping!(ctx, { to: { externalId: 'x' }, lastInboundExternalId: 'wamid.X' }))).code).toBe('RATE_LIMITED');
  });
});

describe('downloadMedia', () => {
  const data = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

  it('looks up the URL, then downloads it with the Bearer token', async () => {
    graph.registerMedia('1003383421387256', { data, mimeType: 'image/jpeg' });
    const file = await channel.downloadMedia!(ctx, '1003383421387256');
    expect(file.data.equals(data)).toBe(true);
    expect(file.mimeType).toBe('image/jpeg');
    expect(file.filename).toBeUndefined();
    expect(graph.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v24.0/1003383421387256', 'GET /media-download/1003383421387256']);
    expect(graph.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('passes the filename from Content-Disposition', async () => {
    graph.registerMedia('622684793477189', { data, mimeType: 'application/pdf', filename: 'receipt.pdf' });
    expect((await channel.downloadMedia!(ctx, '622684793477189')).filename).toBe('receipt.pdf');
  });

  it('fetches a fresh URL once after a 404 on the file URL', async () => {
    graph.registerMedia('m1', { data, mimeType: 'audio/ogg; codecs=opus' });
    graph.failNext({ path: /^\/media-download\// }, { status: 404, body: 'expired' });
    const file = await channel.downloadMedia!(ctx, 'm1');
    expect(file.data.equals(data)).toBe(true);
    expect(file.mimeType).toBe('audio/ogg; codecs=opus');
    expect(graph.requests.map((r) => r.path)).toEqual(['/v24.0/m1', '/media-download/m1', '/v24.0/m1', '/media-download/m1']);
    expect(graph.requests[1]!.query.hash).not.toBe(graph.requests[3]!.query.hash);
  });

  it('gives up after the second 404', async () => {
    graph.registerMedia('m2', { data, mimeType: 'image/png' });
    graph.failNext({ path: /^\/media-download\// }, { status: 404, body: 'expired' });
    graph.failNext({ path: /^\/media-download\// }, { status: 404, body: 'expired' });
    const err = await rejection(channel.downloadMedia!(ctx, 'm2'));
    expect(err).toMatchObject({ code: 'PERMANENT', providerCode: 404 });
    expect(graph.requests).toHaveLength(4);
  });

  it('an unknown media id → PERMANENT with Graph code 100; a bad token → INVALID_CREDENTIALS', async () => {
    expect(await rejection(channel.downloadMedia!(ctx, 'nope'))).toMatchObject({ code: 'PERMANENT', providerCode: 100 });
    graph.registerMedia('m3', { data, mimeType: 'image/png' });
    expect((await rejection(channel.downloadMedia!(contextWith({ accessToken: 'bad' }), 'm3'))).code).toBe('INVALID_CREDENTIALS');
  });

  it('a 5xx on the download is TEMPORARY', async () => {
    graph.registerMedia('m4', { data, mimeType: 'image/png' });
    graph.failNext({ path: /^\/media-download\// }, { status: 503, body: { error: { message: 'Service unavailable', code: 2 } } });
    expect(await rejection(channel.downloadMedia!(ctx, 'm4'))).toMatchObject({ code: 'TEMPORARY', retryable: true });
  });
});
