import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWamid, startFakeGraphApi, type FakeGraphApi } from './fake-graph-api.js';
import { readFixtureJson } from './fixtures.js';

const PHONE = '106540352242922';
const TOKEN = 'EAAG-fake-token';
const OTHER_PHONE = '200000000000001';
const OTHER_TOKEN = 'EAAG-other-token';

let graph: FakeGraphApi;

beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => {
  graph.reset();
  graph.registerPhoneNumber(PHONE, { accessToken: TOKEN, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub' });
  graph.registerPhoneNumber(OTHER_PHONE, { accessToken: OTHER_TOKEN });
});

async function call(method: string, path: string, init: { token?: string | null; body?: unknown; rawBody?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path.startsWith('http') ? path : `${graph.url}${path}`, { method, headers, body });
  const type = res.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: payload as any, headers: res.headers };
}

const sendText = (to: string) => ({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: 'hi' } });

describe('fake Graph API', () => {
  it('serves on a local port with a versioned base URL', () => {
    expect(graph.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v24\.0$/);
    expect(graph.origin).toBe(graph.url.replace(/\/v24\.0$/, ''));
  });

  it('answers phone number info with the requested fields', async () => {
    const res = await call('GET', `/${PHONE}?fields=display_phone_number,verified_name,quality_rating`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ display_phone_number: '+1 555-078-3881', verified_name: 'Lucky Shrub', quality_rating: 'GREEN', id: PHONE });
  });

  it('rejects a missing or wrong token with 401 / code 190 OAuthException', async () => {
    for (const token of [null, 'nope', OTHER_TOKEN]) {
      const res = await call('GET', `/${PHONE}`, { token });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
      expect(typeof res.body.error.fbtrace_id).toBe('string');
    }
    const send = await call('POST', `/${PHONE}/messages`, { token: 'nope', body: sendText('+16505551234') });
    expect(send.status).toBe(401);
    expect(send.body.error.code).toBe(190);
  });

  it('answers unknown ids with 400 / code 100', async () => {
    const post = await call('POST', '/999/messages', { body: sendText('+16505551234') });
    expect(post.status).toBe(400);
    expect(post.body.error.code).toBe(100);
    expect(post.body.error.message).toMatch(/^Unsupported post request/);
    const get = await call('GET', '/999');
    expect(get.status).toBe(400);
    expect(get.body.error.code).toBe(100);
  });

  it('answers a send like send_response__meta_docs.json with a fresh wamid each time', async () => {
    const fixture = readFixtureJson('whatsapp', 'send_response__meta_docs.json');
    const a = await call('POST', `/${PHONE}/messages`, { body: sendText('+16505551234') });
    const b = await call('POST', `/${PHONE}/messages`, { body: sendText('+16505551234') });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual(Object.keys(fixture));
    expect(a.body.contacts).toEqual(fixture.contacts);
    expect(a.body.messages[0].id).toMatch(/^wamid\.HBgL[A-Za-z0-9+/=]+$/);
    expect(a.body.messages[0].id).not.toBe(b.body.messages[0].id);
    expect(graph.sentMessages(PHONE)).toHaveLength(2);
    expect(graph.sentMessages(OTHER_PHONE)).toHaveLength(0);
  });

  it('answers a send to a business-scoped user id like send_response_bsuid__meta_docs.json', async () => {
    const fixture = readFixtureJson('whatsapp', 'send_response_bsuid__meta_docs.json');
    const bsuid = fixture.contacts[0].input as string;
    const res = await call('POST', `/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', recipient_type: 'individual', recipient: bsuid, type: 'text', text: { body: 'hi' } } });
    expect(res.status).toBe(200);
    expect(res.body.contacts).toEqual(fixture.contacts);
  });

  it('marks a template send accepted like send_template_response_accepted__meta_docs.json', async () => {
    const request = readFixtureJson('whatsapp', 'send_template_request_2__meta_docs.json');
    graph.registerPhoneNumber('15550000001', { accessToken: TOKEN });
    const res = await call('POST', '/15550000001/messages', { body: request });
    expect(res.body.messages[0].message_status).toBe('accepted');
  });

  it('answers the mark-read + typing indicator body with {"success":true}', async () => {
    const request = readFixtureJson('whatsapp', 'mark_read_with_typing_indicator_request__meta_docs.json');
    const res = await call('POST', `/${PHONE}/messages`, { body: request });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(readFixtureJson('whatsapp', 'mark_read_with_typing_indicator_response__meta_docs.json'));
    expect(graph.sentMessages()).toHaveLength(0);
    expect(graph.requests).toHaveLength(1);
  });

  it('rejects invalid send bodies with Graph errors', async () => {
    const noProduct = await call('POST', `/${PHONE}/messages`, { body: { to: '+1', type: 'text', text: { body: 'x' } } });
    expect(noProduct.status).toBe(400);
    expect(noProduct.body.error.code).toBe(100);
    const noTo = await call('POST', `/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } } });
    expect(noTo.status).toBe(400);
    expect(noTo.body.error.message).toMatch(/to is required/);
    const noTypeObject = await call('POST', `/${PHONE}/messages`, { body: { messaging_product: 'whatsapp', to: '+1', type: 'image' } });
    expect(noTypeObject.status).toBe(400);
    expect(noTypeObject.body.error.code).toBe(131008);
    const notJson = await call('POST', `/${PHONE}/messages`, { rawBody: '{nope' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe(100);
  });

  it('records method, path, query, headers, parsed body and time', async () => {
    const before = Date.now();
    await call('POST', `/${PHONE}/messages?x=1`, { body: sendText('+16505551234') });
    const [r] = graph.requests;
    expect(r).toMatchObject({ method: 'POST', path: `/v24.0/${PHONE}/messages`, query: { x: '1' } });
    expect(r!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r!.body).toEqual(sendText('+16505551234'));
    expect(r!.at).toBeGreaterThanOrEqual(before);
  });

  it('queues one-shot failures matched by path (and method)', async () => {
    const body = readFixtureJson('whatsapp', 'send_error_131056__captured_test_fixture.json');
    graph.failNext({ path: /\/messages$/, method: 'POST' }, { status: 400, body });
    const first = await call('POST', `/${PHONE}/messages`, { body: sendText('+16505551234') });
    expect(first.status).toBe(400);
    expect(first.body).toEqual(body);
    const info = await call('GET', `/${PHONE}`);
    expect(info.status).toBe(200);
    const second = await call('POST', `/${PHONE}/messages`, { body: sendText('+16505551234') });
    expect(second.status).toBe(200);
  });

  it('serves media: lookup then an authenticated download of the issued URL', async () => {
    const data = Buffer.from('fake-jpeg-bytes');
    graph.registerMedia('1003383421387256', { data, mimeType: 'image/jpeg', filename: 'photo.jpg' });
    const info = await call('GET', '/1003383421387256');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'image/jpeg', file_size: data.length, id: '1003383421387256' });
    expect(Object.keys(info.body).sort()).toEqual(Object.keys(readFixtureJson('whatsapp', 'media_retrieve_url_response__pywa_docstring.json')).sort());
    expect(info.body.url.startsWith(`${graph.origin}/media-download/1003383421387256?`)).toBe(true);

    const file = await call('GET', info.body.url);
    expect(file.status).toBe(200);
    expect(file.body).toEqual(data);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="photo.jpg"');

    expect((await call('GET', info.body.url, { token: null })).status).toBe(401);
    expect((await call('GET', info.body.url.replace(/hash=[^&]+/, 'hash=forged'))).status).toBe(404);
  });

  it('restricts media to its own token when given', async () => {
    graph.registerMedia('m-private', { data: Buffer.from('x'), mimeType: 'text/plain', accessToken: OTHER_TOKEN });
    expect((await call('GET', '/m-private')).status).toBe(401);
    expect((await call('GET', '/m-private', { token: OTHER_TOKEN })).status).toBe(200);
  });

  it('waits for requests and times out with a clear error', async () => {
    const waiting = graph.waitForRequests((r) => r.method === 'POST', 2, 2_000);
    await call('POST', `/${PHONE}/messages`, { body: sendText('+1') });
    await call('POST', `/${PHONE}/messages`, { body: sendText('+2') });
    const got = await waiting;
    expect(got.map((r) => r.body.to)).toEqual(['+1', '+2']);
    await expect(graph.waitForRequests((r) => r.path === '/never', 1, 50)).rejects.toThrow(/expected 1 matching request/);
  });

  it('reset clears requests and queued failures', async () => {
    graph.failNext({}, { status: 500, body: { error: { code: 1 } } });
    await call('GET', `/${PHONE}`);
    graph.failNext({}, { status: 500, body: { error: { code: 1 } } });
    graph.reset();
    expect(graph.requests).toHaveLength(0);
    expect((await call('GET', `/${PHONE}`)).status).toBe(200);
  });

  it('makes Meta-shaped wamids', () => {
    const id = makeWamid('+16505551234');
    const bytes = Buffer.from(id.slice('wamid.'.length), 'base64');
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0x1c, 0x18, 11]));
    expect(bytes.subarray(3, 14).toString()).toBe('16505551234');
  });

  it('can listen on a fixed port', async () => {
    const probe = await startFakeGraphApi();
    const port = probe.port;
    await probe.close();
    const fixed = await startFakeGraphApi({ port });
    try {
      expect(fixed.url).toBe(`http://127.0.0.1:${port}/v24.0`);
    } finally {
      await fixed.close();
    }
  });
});

describe('fake Graph API: Messenger Platform', () => {
  const PAGE = '682498171943165';
  const PAGE_TOKEN = 'EAAP-page';
  const IG = '17841471550633446';
  beforeEach(() => {
    graph.registerPage(PAGE, { accessToken: PAGE_TOKEN, name: 'Lucky Shrub', instagram: { id: IG, username: 'lucky.shrub', profilePictureUrl: 'https://cdn/ig.jpg' } });
  });

  it('answers page and linked Instagram lookups with the page token only (Bearer or access_token)', async () => {
    expect((await call('GET', `/${PAGE}?fields=name`, { token: PAGE_TOKEN })).body).toEqual({ name: 'Lucky Shrub', id: PAGE });
    expect((await call('GET', `/${IG}?fields=username,profile_picture_url&access_token=${PAGE_TOKEN}`, { token: null })).body).toEqual({ username: 'lucky.shrub', profile_picture_url: 'https://cdn/ig.jpg', id: IG });
    expect((await call('GET', `/${PAGE}`, { token: TOKEN })).body.error.code).toBe(190);
    expect((await call('GET', `/${IG}`, { token: null })).status).toBe(401);
  });

  it('records subscribed_apps, refuses another page token with 200', async () => {
    expect((await call('POST', `/${PAGE}/subscribed_apps?subscribed_fields=messages,message_reads`, { token: PAGE_TOKEN })).body).toEqual({ success: true });
    expect(graph.subscriptionsOf(PAGE)).toEqual([['messages', 'message_reads']]);
    graph.registerPage('1', { accessToken: 'EAAP-other' });
    expect((await call('POST', `/${PAGE}/subscribed_apps?subscribed_fields=messages`, { token: 'EAAP-other' })).body.error.code).toBe(200);
  });

  it('sends on me/messages: a mid per message (send_response shape), sender actions, body checks', async () => {
    const a = await call('POST', '/me/messages', { token: PAGE_TOKEN, body: { recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'hi' } } });
    const b = await call('POST', '/me/messages', { token: PAGE_TOKEN, body: { recipient: { id: '42' }, messaging_type: 'RESPONSE', message: { text: 'hi' } } });
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(readFixtureJson('messenger', 'send_response__meta_docs.json')).sort());
    expect(a.body).toMatchObject({ recipient_id: '42', message_id: expect.stringMatching(/^m_/) });
    expect(a.body.message_id).not.toBe(b.body.message_id);
    expect((await call('POST', '/me/messages', { token: PAGE_TOKEN, body: { recipient: { id: '42' }, sender_action: 'typing_on' } })).body).toEqual({ recipient_id: '42' });
    expect((await call('POST', '/me/messages', { token: PAGE_TOKEN, body: { recipient: { id: '42' }, message: { text: 'x' } } })).body.error.message).toContain('messaging_type');
    expect((await call('POST', '/me/messages', { token: PAGE_TOKEN, body: { recipient: { id: '42' }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } } })).status).toBe(400);
    expect((await call('POST', '/me/messages', { token: 'nope', body: { recipient: { id: '42' }, sender_action: 'typing_on' } })).status).toBe(401);
    expect(graph.messengerSends(PAGE)).toHaveLength(4); // every request with a message, refused ones included
    expect(graph.senderActions(PAGE)).toHaveLength(1);
    expect(graph.sentMessages(PHONE)).toHaveLength(0);
  });

  it('answers user profiles to page tokens and serves CDN files without a token', async () => {
    graph.registerMessagingUser('42', { firstName: 'Peter', lastName: 'Chang', profilePic: 'https://cdn/p.jpg' });
    expect((await call('GET', '/42?fields=first_name,last_name,profile_pic', { token: PAGE_TOKEN })).body).toEqual({ first_name: 'Peter', last_name: 'Chang', profile_pic: 'https://cdn/p.jpg', id: '42' });
    const url = graph.registerCdnFile('a.png', { data: Buffer.from('PNG'), mimeType: 'image/png' });
    const file = await call('GET', url, { token: null });
    expect(file).toMatchObject({ status: 200, body: Buffer.from('PNG') });
    expect((await call('GET', `${graph.origin}/cdn/missing.png`, { token: null })).status).toBe(404);
  });

  it('exchanges single-use login codes and lists the pages of the user token', async () => {
    const userToken = graph.registerLoginCode('c1', { pageIds: [PAGE], redirectUri: 'https://app/cb' });
    const q = (params: Record<string, string>) => `/oauth/access_token?${new URLSearchParams(params)}`;
    expect((await call('GET', q({ client_id: 'a', client_secret: 's', redirect_uri: 'https://other/cb', code: 'c1' }), { token: null })).body.error).toMatchObject({ code: 100, error_subcode: 36008 });
    const ok = await call('GET', q({ client_id: 'a', client_secret: 's', redirect_uri: 'https://app/cb', code: 'c1' }), { token: null });
    expect(ok.body).toMatchObject({ access_token: userToken, token_type: 'bearer' });
    expect((await call('GET', q({ client_id: 'a', client_secret: 's', redirect_uri: 'https://app/cb', code: 'c1' }), { token: null })).body.error.error_subcode).toBe(36009);
    const long = await call('GET', q({ grant_type: 'fb_exchange_token', client_id: 'a', client_secret: 's', fb_exchange_token: userToken }), { token: null });
    const pages = await call('GET', '/me/accounts?fields=id,name,access_token,instagram_business_account{id,username}', { token: long.body.access_token });
    expect(pages.body.data).toEqual([{ name: 'Lucky Shrub', access_token: PAGE_TOKEN, instagram_business_account: { id: IG, username: 'lucky.shrub', profile_picture_url: 'https://cdn/ig.jpg' }, id: PAGE }]);
    expect((await call('GET', '/me/accounts', { token: PAGE_TOKEN })).status).toBe(401);
  });

  it('serves a WABA\'s message templates with fields and cursor paging, to tokens of the WABA only', async () => {
    const WABA = '102290129340398';
    graph.registerPhoneNumber(PHONE, { accessToken: TOKEN, wabaId: WABA });
    const templates = readFixtureJson('whatsapp', 'template_list_response_full__meta_docs.json').data;
    graph.registerWaba(WABA, { templates: [...templates, { name: 'third', language: 'en', category: 'UTILITY', status: 'PENDING', components: [] }] });
    const first = await call('GET', `/${WABA}/message_templates?fields=name,status&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      { name: 'reservation_confirmation', status: 'APPROVED', id: '1387372356726668' },
      { name: 'coupon_expiration_reminder_number_vars', status: 'APPROVED', id: '1304694804498707' },
    ]);
    expect(first.body.paging.next).toMatch(new RegExp(`^${graph.origin}/v24.0/${WABA}/message_templates\\?`));
    const second = await call('GET', first.body.paging.next);
    expect(second.body.data).toEqual([{ name: 'third', status: 'PENDING', id: expect.any(String) }]);
    expect(second.body.paging.next).toBeUndefined();
    expect((await call('GET', `/${WABA}/message_templates`, { token: OTHER_TOKEN })).body.error.code).toBe(200);
  });

  it('Embedded Signup: single-use code without redirect_uri → business token; debug_token; subscribed_apps; register with a 6-digit PIN', async () => {
    const WABA = '119496914420376';
    const token = graph.registerEmbeddedSignupCode('AQ1', { wabaId: WABA, phoneNumberId: OTHER_PHONE, appId: 'app', appSecret: 'sec' });
    const q = (params: Record<string, string>) => `/oauth/access_token?${new URLSearchParams(params)}`;
    expect((await call('GET', q({ client_id: 'app', client_secret: 'bad', code: 'AQ1' }), { token: null })).body.error.code).toBe(1);
    expect((await call('GET', q({ client_id: 'app', client_secret: 'sec', code: 'AQ1', redirect_uri: 'https://x/cb' }), { token: null })).body.error.error_subcode).toBe(36008);
    expect((await call('GET', q({ client_id: 'app', client_secret: 'sec', code: 'AQ1' }), { token: null })).body).toEqual({ access_token: token, token_type: 'bearer' });
    expect((await call('GET', q({ client_id: 'app', client_secret: 'sec', code: 'AQ1' }), { token: null })).body.error.error_subcode).toBe(36009);

    const debug = await call('GET', `/debug_token?input_token=${token}&access_token=app|sec`, { token: null });
    expect(debug.body.data).toMatchObject({ app_id: 'app', is_valid: true, granular_scopes: [{ scope: 'whatsapp_business_management', target_ids: [WABA] }, { scope: 'whatsapp_business_messaging', target_ids: [WABA] }] });
    expect((await call('GET', '/debug_token?input_token=nope&access_token=app|sec', { token: null })).body.data.is_valid).toBe(false);

    expect((await call('POST', `/${WABA}/subscribed_apps`, { token })).body).toEqual({ success: true });
    expect((await call('POST', `/${WABA}/subscribed_apps`, { token: TOKEN })).status).toBe(403);
    expect(graph.wabaSubscriptions(WABA)).toBe(1);
    expect((await call('POST', `/${OTHER_PHONE}/register`, { token, body: { messaging_product: 'whatsapp', pin: '12345' } })).body.error.code).toBe(100);
    expect((await call('POST', `/${OTHER_PHONE}/register`, { token, body: { messaging_product: 'whatsapp', pin: '123456' } })).body).toEqual({ success: true });
    expect((await call('POST', `/${OTHER_PHONE}/register`, { token, body: { messaging_product: 'whatsapp', pin: '654321' } })).body.error.code).toBe(133005);
    expect(graph.registrations()).toEqual([{ phoneNumberId: OTHER_PHONE, pin: '123456' }]);
    // the business token may use the number it was granted
    expect((await call('GET', `/${OTHER_PHONE}?fields=verified_name`, { token })).status).toBe(200);
  });
});
