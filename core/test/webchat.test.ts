/**
 * Website chat and click-to-chat end to end on a real Parley (SQLite, or MySQL with
 * TEST_MYSQL_URL): channel creation (plan, roles, snippet), visitor sessions, visitor messages
 * through the inbound pipeline (inbox API + agent socket), replies pushed to the visitor's
 * socket with typing first, history across reloads, isolation, XSS as text, images, rate
 * limits, the widget and demo page, and WhatsApp click-to-chat links with click counting.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from './png.js';
import { api, connectWhatsApp, eventually, signup, startTestParley, type TestParley } from './harness.js';

let t: TestParley;
const sockets: Socket[] = [];

function live(token: string, namespace = ''): Promise<{ socket: Socket; events: { name: string; payload: any }[] }> {
  const socket = io(t.url + namespace, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name, payload) => events.push({ name, payload }));
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve({ socket, events }));
    socket.on('connect_error', reject);
  });
}

/** A 2×2 black PNG. */
const png = (): Buffer => makePng(2, 2);

const visitorApi = (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
  api(t.url, method, path, { body, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

async function webchat(token: string, config: Record<string, unknown> = {}, name = 'Website') {
  const r = await api(t.url, 'POST', '/api/v1/channels', { token, body: { type: 'webchat', name, config } });
  if (r.status !== 201) throw new Error(`webchat channel failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; snippet: string; accountId: string; config: Record<string, unknown> };
}

async function visitor(channelId: string, body: Record<string, unknown> = {}, ip?: string) {
  const r = await visitorApi('POST', `/webchat/${channelId}/visitors`, undefined, body, ip ? { 'x-test-ip': ip } : {});
  expect(r.status).toBe(201);
  return r.body as { visitorId: string; token: string };
}

let owner: Awaited<ReturnType<typeof signup>>;
let channel: Awaited<ReturnType<typeof webchat>>;

beforeAll(async () => {
  t = await startTestParley({ TYPING_MS_PER_CHAR: '1', TYPING_JITTER_MS: '20', PUBLIC_URL: 'https://parley.example.test' });
  owner = await signup(t.url, 'Webchat');
  channel = await webchat(owner.accessToken, { name: 'Lisbon Bikes', color: '#0EA5E9', greeting: 'Olá! Ask us anything.', position: 'left', askName: true, askEmail: true });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

describe('web chat channel', () => {
  it('is created without any outside account and carries its snippet', async () => {
    expect(channel).toMatchObject({
      type: 'webchat', status: 'connected', accountId: channel.id,
      config: { name: 'Lisbon Bikes', color: '#0ea5e9', greeting: 'Olá! Ask us anything.', position: 'left', askName: true, askEmail: true },
      snippet: `<script src="https://parley.example.test/webchat/widget.js" data-channel="${channel.id}" async></script>`,
      demoUrl: `https://parley.example.test/webchat/demo?channelId=${channel.id}`,
    });
    const got = await api(t.url, 'GET', `/api/v1/channels/${channel.id}`, { token: owner.accessToken });
    expect(got.body.snippet).toBe(channel.snippet);
    const list = await api(t.url, 'GET', '/api/v1/channels', { token: owner.accessToken });
    expect(list.body.data.find((c: { id: string }) => c.id === channel.id).snippet).toBe(channel.snippet);
  });

  it('validates the config (400) and applies the plan limit and roles', async () => {
    const s = await signup(t.url, 'Limits');
    const bad = await api(t.url, 'POST', '/api/v1/channels', { token: s.accessToken, body: { type: 'webchat', name: 'x', config: { color: 'red;}' } } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'CHANNEL_CONFIG_INVALID' } } });
    for (let i = 0; i < 3; i++) await webchat(s.accessToken, {}, `Site ${i}`);
    const fourth = await api(t.url, 'POST', '/api/v1/channels', { token: s.accessToken, body: { type: 'webchat', name: 'Site 4', config: {} } });
    expect(fourth).toMatchObject({ status: 403, body: { error: { code: 'PLAN_LIMIT_REACHED', details: { max: 3 } } } });
    const email = `agent-${s.tenant.id}@x.test`;
    await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: 'Al', email, password: 'agent password', role: 'agent' } });
    const agent = (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'agent password' } })).body.accessToken;
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: agent, body: { type: 'webchat', name: 'x', config: {} } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('serves the public widget config (nothing else) and 404 for other channels', async () => {
    const r = await visitorApi('GET', `/webchat/${channel.id}/config`);
    expect(r.body).toEqual({ channelId: channel.id, name: 'Lisbon Bikes', color: '#0ea5e9', greeting: 'Olá! Ask us anything.', position: 'left', askName: true, askEmail: true });
    const wa = await connectWhatsApp(t, owner.accessToken);
    expect((await visitorApi('GET', `/webchat/${wa.channel.id}/config`)).status).toBe(404);
    expect((await visitorApi('POST', `/webchat/${wa.channel.id}/visitors`, undefined, {})).status).toBe(404);
    expect((await visitorApi('GET', '/webchat/nope/config')).status).toBe(404);
  });

  it('serves the widget script and a demo page embedding it', async () => {
    const js = await fetch(`${t.url}/webchat/widget.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const src = await js.text();
    expect(src).toContain("attachShadow({ mode: 'open' })");
    expect(src).not.toMatch(/innerHTML/);
    const demo = await fetch(`${t.url}/webchat/demo?channelId=${channel.id}`);
    expect(demo.status).toBe(200);
    expect(await demo.text()).toContain(`<script src="/webchat/widget.js" data-channel="${channel.id}" async></script>`);
    const missing = await fetch(`${t.url}/webchat/demo?channelId=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<script>alert(1)');
  });
});

describe('visitor conversation', () => {
  let v: { visitorId: string; token: string };
  let agentSocket: Awaited<ReturnType<typeof live>>;
  let visitorSocket: Awaited<ReturnType<typeof live>>;
  let chatId: string;

  beforeAll(async () => {
    v = await visitor(channel.id, { name: 'Marta Silva', email: 'Marta@Example.test' });
    agentSocket = await live(owner.accessToken);
    visitorSocket = await live(v.token, '/webchat');
  });

  it('stores a visitor message through the inbound pipeline: chat, contact, inbox API and agent socket', async () => {
    const r = await visitorApi('POST', `/webchat/${channel.id}/messages`, v.token, { id: 'c1', text: 'Hi! Is the blue bike available?' });
    expect(r).toMatchObject({ status: 201, body: { message: { clientId: 'c1', direction: 'in', type: 'text', text: 'Hi! Is the blue bike available?' } } });
    const created = await eventually(() => agentSocket.events.find((e) => e.name === 'message_created' && e.payload.message.text === 'Hi! Is the blue bike available?'));
    chatId = created.payload.message.chatId;
    const chat = (await api(t.url, 'GET', `/api/v1/chats/${chatId}`, { token: owner.accessToken })).body;
    expect(chat).toMatchObject({ channelId: channel.id, contact: { name: 'Marta Silva' }, unreadCount: 1, status: 'open' });
    const contact = (await api(t.url, 'GET', `/api/v1/contacts/${chat.contactId}`, { token: owner.accessToken })).body;
    expect(contact.email).toBe('marta@example.test');
    const msgs = (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken })).body.data;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ direction: 'in', senderType: 'contact', externalId: `${v.visitorId}:c1` });
    // the visitor's other tabs get their own message too
    await eventually(() => visitorSocket.events.find((e) => e.name === 'message' && e.payload.message.clientId === 'c1'));
  });

  it('drops a retried message with the same client id', async () => {
    const again = await visitorApi('POST', `/webchat/${channel.id}/messages`, v.token, { id: 'c1', text: 'Hi! Is the blue bike available?' });
    expect(again.status).toBe(200);
    const msgs = (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken })).body.data;
    expect(msgs).toHaveLength(1);
  });

  it('pushes an agent reply to the visitor socket, with typing before it', async () => {
    const reply = await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'Yes, in size M!' } });
    expect(reply.status).toBe(202);
    const msg = await eventually(() => visitorSocket.events.find((e) => e.name === 'message' && e.payload.message.text === 'Yes, in size M!'));
    const typingAt = visitorSocket.events.findIndex((e) => e.name === 'typing' && e.payload.on === true);
    expect(typingAt).toBeGreaterThanOrEqual(0);
    expect(typingAt).toBeLessThan(visitorSocket.events.indexOf(msg));
    expect(msg.payload.message).toMatchObject({ id: reply.body.id, direction: 'out', type: 'text' });
    await eventually(async () => (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken })).body.data[0].status === 'sent');
    // the agent's own socket sees the status change like any channel
    await eventually(() => agentSocket.events.find((e) => e.name === 'message_updated' && e.payload.message.id === reply.body.id && e.payload.message.status === 'sent'));
  });

  it('keeps the history across reloads with the same token (newest first, paged)', async () => {
    const page = await visitorApi('GET', `/webchat/${channel.id}/messages`, v.token);
    expect(page.status).toBe(200);
    expect(page.body.data.map((m: { text: string; direction: string }) => [m.direction, m.text])).toEqual([
      ['out', 'Yes, in size M!'],
      ['in', 'Hi! Is the blue bike available?'],
    ]);
    const first = await visitorApi('GET', `/webchat/${channel.id}/messages?limit=1`, v.token);
    expect(first.body.data).toHaveLength(1);
    const second = await visitorApi('GET', `/webchat/${channel.id}/messages?limit=1&cursor=${first.body.nextCursor}`, v.token);
    expect(second.body.data[0].text).toBe('Hi! Is the blue bike available?');
    expect(second.body.nextCursor).toBeNull();
    // and a fresh socket (a reload) still gets new replies
    const reloaded = await live(v.token, '/webchat');
    await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'Anything else?' } });
    await eventually(() => reloaded.events.find((e) => e.name === 'message' && e.payload.message.text === 'Anything else?'));
  });

  it('keeps other visitors and tenants out', async () => {
    const other = await visitor(channel.id);
    const theirs = await visitorApi('GET', `/webchat/${channel.id}/messages`, other.token);
    expect(theirs.body.data).toEqual([]);
    const otherSocket = await live(other.token, '/webchat');
    await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'Only for Marta' } });
    await eventually(() => visitorSocket.events.find((e) => e.name === 'message' && e.payload.message.text === 'Only for Marta'));
    expect(otherSocket.events).toEqual([]);
    // no token, forged token, a token of another channel
    expect((await visitorApi('GET', `/webchat/${channel.id}/messages`)).body.error.code).toBe('VISITOR_TOKEN_INVALID');
    expect((await visitorApi('GET', `/webchat/${channel.id}/messages`, v.token.slice(0, -2) + 'xx')).status).toBe(401);
    const s2 = await signup(t.url, 'Other');
    const ch2 = await webchat(s2.accessToken);
    const r = await visitorApi('GET', `/webchat/${ch2.id}/messages`, v.token);
    expect(r).toMatchObject({ status: 401, body: { error: { code: 'VISITOR_TOKEN_INVALID' } } });
    // another tenant's agent sees nothing of it
    expect((await api(t.url, 'GET', `/api/v1/chats/${chatId}`, { token: s2.accessToken })).status).toBe(404);
    // visitor tokens are not agent tokens, and agent tokens do not open the visitor namespace
    expect((await api(t.url, 'GET', '/api/v1/chats', { token: v.token })).status).toBe(401);
    await expect(live(v.token)).rejects.toThrow();
    await expect(live(owner.accessToken, '/webchat')).rejects.toThrow();
    // and the generic webhook URL never takes visitor messages
    const hook = await fetch(`${t.url}/webhooks/webchat/${channel.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ visitor: { id: v.visitorId }, message: { id: 'x', type: 'text', text: 'forged' }, receivedAt: 1 }) });
    expect(hook.status).toBe(401);
  });

  it('stores an XSS payload as text and returns it as text', async () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const r = await visitorApi('POST', `/webchat/${channel.id}/messages`, v.token, { id: 'xss1', text: payload });
    expect(r.body.message.text).toBe(payload);
    const msgs = (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken })).body.data;
    expect(msgs.find((m: { text: string }) => m.text === payload)).toBeTruthy();
    const hist = await visitorApi('GET', `/webchat/${channel.id}/messages`, v.token);
    expect(hist.body.data[0].text).toBe(payload);
  });

  it('accepts a PNG from the visitor, stored by Parley and shown in the inbox', async () => {
    const res = await fetch(`${t.url}/webchat/${channel.id}/messages?id=img1&filename=bike.png`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${v.token}` }, body: png() });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { message: { type: string; media: { url: string; mimeType: string } } };
    expect(body.message).toMatchObject({ type: 'image', media: { mimeType: 'image/png' } });
    const file = await fetch(body.message.media.url.replace('https://parley.example.test', t.url));
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(png())).toBe(true);
    const msgs = (await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken })).body.data;
    expect(msgs[0]).toMatchObject({ type: 'image', media: { state: 'stored', mimeType: 'image/png', filename: 'bike.png' } });
    // not an image, or an image that lies about its type
    const pdf = await fetch(`${t.url}/webchat/${channel.id}/messages?id=img2`, { method: 'POST', headers: { 'content-type': 'application/pdf', authorization: `Bearer ${v.token}` }, body: Buffer.from('%PDF-1.4') });
    expect(pdf.status).toBe(415);
    const fake = await fetch(`${t.url}/webchat/${channel.id}/messages?id=img3`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${v.token}` }, body: Buffer.from('<svg onload=alert(1)>') });
    expect(fake.status).toBe(415);
    const big = await fetch(`${t.url}/webchat/${channel.id}/messages?id=img4`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${v.token}` }, body: Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024)]) });
    expect(big.status).toBe(413);
  });

  it('limits sizes and rates', async () => {
    const long = await visitorApi('POST', `/webchat/${channel.id}/messages`, v.token, { id: 'long', text: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    const spammer = await visitor(channel.id);
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) codes.push((await visitorApi('POST', `/webchat/${channel.id}/messages`, spammer.token, { id: `s${i}`, text: `spam ${i}` })).status);
    expect(codes.filter((c) => c === 201).length).toBeLessThanOrEqual(11);
    expect(codes).toContain(429);
    const limited = await visitorApi('POST', `/webchat/${channel.id}/messages`, spammer.token, { id: 'more', text: 'more' });
    expect(limited.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    const sessions: number[] = [];
    for (let i = 0; i < 12; i++) sessions.push((await visitorApi('POST', `/webchat/${channel.id}/visitors`, undefined, {})).status);
    expect(sessions).toContain(429);
  });
});

describe('WhatsApp click to chat', () => {
  it('builds the wa.me link and a button snippet, and counts clicks on the tracked link', async () => {
    const s = await signup(t.url, 'Clicks');
    const wa = await connectWhatsApp(t, s.accessToken);
    const r = await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat?text=${encodeURIComponent('Hi! I want a bike & a rack')}&position=left&color=%23FF0000&label=${encodeURIComponent('Talk <to> us')}`, { token: s.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ link: 'https://wa.me/15550783881?text=Hi!%20I%20want%20a%20bike%20%26%20a%20rack', clicks: 0, position: 'left', color: '#ff0000' });
    expect(r.body.trackedLink).toMatch(/^https:\/\/parley\.example\.test\/c\/[A-Za-z0-9_-]+$/);
    expect(r.body.snippet).toContain(`href="${r.body.trackedLink}"`);
    expect(r.body.snippet).toContain('left:20px');
    expect(r.body.snippet).toContain('background:#ff0000');
    expect(r.body.snippet).toContain('Talk &lt;to&gt; us</a>');
    // same text → same token
    const again = await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat?text=${encodeURIComponent('Hi! I want a bike & a rack')}`, { token: s.accessToken });
    expect(again.body.token).toBe(r.body.token);

    for (let i = 0; i < 3; i++) {
      const click = await fetch(`${t.url}/c/${r.body.token}`, { redirect: 'manual' });
      expect(click.status).toBe(302);
      expect(click.headers.get('location')).toBe(r.body.link);
    }
    expect((await fetch(`${t.url}/c/unknown-token`, { redirect: 'manual' })).status).toBe(404);
    const stats = await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat/stats`, { token: s.accessToken });
    expect(stats.body).toMatchObject({ clicks: 3, links: [{ token: r.body.token, clicks: 3, link: r.body.link }] });
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat`, { token: s.accessToken })).body.clicks).toBe(0);
  });

  it('validates options, refuses other channel types (422) and other tenants (404)', async () => {
    const wa = await connectWhatsApp(t, owner.accessToken);
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat?color=red`, { token: owner.accessToken })).status).toBe(400);
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat?position=top`, { token: owner.accessToken })).status).toBe(400);
    const r = await api(t.url, 'GET', `/api/v1/channels/${channel.id}/click-to-chat`, { token: owner.accessToken });
    expect(r).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_FEATURE_NOT_SUPPORTED' } } });
    const other = await signup(t.url, 'Nosy');
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat`, { token: other.accessToken })).status).toBe(404);
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.channel.id}/click-to-chat/stats`, { token: other.accessToken })).status).toBe(404);
  });
});
