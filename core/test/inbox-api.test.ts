/**
 * The inbox's back-end parts (issue 3): read marks, notes, tags with colours, canned responses,
 * bulk changes, a contact's chats, list filters, media upload and sending an uploaded file,
 * the built inbox at /inbox — each with tenant isolation.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

let t: TestParley;
let a: Awaited<ReturnType<typeof signup>>;
let b: Awaited<ReturnType<typeof signup>>;
let phoneA: string;
let chatIds: string[] = [];
const sockets: Socket[] = [];

// a fake built inbox, so /inbox serving is tested without a Vite build
const dist = mkdtempSync(join(tmpdir(), 'inbox-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Parley inbox</title><div id="app"></div>');
writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
process.env.INBOX_DIST = dist;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

beforeAll(async () => {
  t = await startTestParley();
  a = await signup(t.url, 'A');
  b = await signup(t.url, 'B');
  phoneA = (await connectWhatsApp(t, a.accessToken)).phoneNumberId;
  await connectWhatsApp(t, b.accessToken);
  for (let i = 0; i < 3; i++) {
    await postWhatsApp(t.url, textWebhook(phoneA, `1555888000${i}`, `first ${i}`, undefined, `Buyer ${i}`));
    await postWhatsApp(t.url, textWebhook(phoneA, `1555888000${i}`, `second ${i}`, undefined, `Buyer ${i}`));
  }
  chatIds = (await api(t.url, 'GET', '/api/v1/chats', { token: a.accessToken })).body.data.map((c: { id: string }) => c.id);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

const A = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: a.accessToken, body });
const B = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: b.accessToken, body });

describe('read marks', () => {
  it('resets the unread count, emits chat_updated, and is 404 for another tenant', async () => {
    const socket = io(t.url, { auth: { token: a.accessToken }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const events: any[] = [];
    socket.on('chat_updated', (e) => events.push(e));
    await new Promise((r) => socket.on('connect', r));
    const id = chatIds[0];
    expect((await A('GET', `/api/v1/chats/${id}`)).body.unreadCount).toBe(2);
    expect((await A('GET', '/api/v1/chats?unread=true')).body.data).toHaveLength(3);
    expect((await B('POST', `/api/v1/chats/${id}/read`)).status).toBe(404);
    const r = await A('POST', `/api/v1/chats/${id}/read`);
    expect(r).toMatchObject({ status: 200, body: { id, unreadCount: 0 } });
    await eventually(() => events.find((e) => e.chat.id === id && e.chat.unreadCount === 0));
    expect((await A('GET', '/api/v1/chats?unread=true')).body.data.map((c: any) => c.id)).not.toContain(id);
  });
});

describe('list filters', () => {
  it('filters by last-activity date range', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect((await A('GET', `/api/v1/chats?from=${today}`)).body.data).toHaveLength(3);
    expect((await A('GET', `/api/v1/chats?to=${today}`)).body.data).toHaveLength(0);
    expect((await A('GET', '/api/v1/chats?from=yesterday')).status).toBe(400);
  });
});

describe('notes', () => {
  it('adds and lists internal notes, never sent to the customer', async () => {
    const before = t.graph.sentMessages(phoneA).length;
    const n = await A('POST', `/api/v1/chats/${chatIds[1]}/notes`, { text: 'Called them, wants a discount' });
    expect(n).toMatchObject({ status: 201, body: { chatId: chatIds[1], authorId: a.user.id, text: 'Called them, wants a discount' } });
    expect(n.body.authorName).toMatch(/Owner/);
    const list = await A('GET', `/api/v1/chats/${chatIds[1]}/notes`);
    expect(list.body).toMatchObject({ data: [{ id: n.body.id }], nextCursor: null });
    expect((await A('GET', `/api/v1/chats/${chatIds[1]}/messages`)).body.data.map((m: any) => m.text)).not.toContain('Called them, wants a discount');
    expect(t.graph.sentMessages(phoneA).length).toBe(before);
    expect((await A('POST', `/api/v1/chats/${chatIds[1]}/notes`, { text: '  ' })).status).toBe(400);
    expect((await B('GET', `/api/v1/chats/${chatIds[1]}/notes`)).status).toBe(404);
    expect((await B('POST', `/api/v1/chats/${chatIds[1]}/notes`, { text: 'x' })).status).toBe(404);
  });
});

describe('tags', () => {
  it('lists tags with colours, creates, recolours and renames them; isolated per tenant', async () => {
    await A('PATCH', `/api/v1/chats/${chatIds[0]}`, { tags: ['vip'] });
    const created = await A('POST', '/api/v1/tags', { name: 'urgent', color: '#ef4444' });
    expect(created).toMatchObject({ status: 201, body: { name: 'urgent', color: '#ef4444' } });
    expect((await A('POST', '/api/v1/tags', { name: 'urgent' })).status).toBe(409);
    const tags = (await A('GET', '/api/v1/tags')).body.data;
    expect(tags.map((x: any) => [x.name, x.color])).toEqual([['urgent', '#ef4444'], ['vip', '#64748b']]);
    const vip = tags.find((x: any) => x.name === 'vip');
    expect((await A('PATCH', `/api/v1/tags/${vip.id}`, { color: 'red' })).status).toBe(400);
    expect((await A('PATCH', `/api/v1/tags/${vip.id}`, { name: 'urgent' })).status).toBe(409);
    expect((await A('PATCH', `/api/v1/tags/${vip.id}`, { color: '#22c55e', name: 'VIP' })).body).toEqual({ id: vip.id, name: 'VIP', color: '#22c55e' });
    expect((await A('GET', `/api/v1/chats/${chatIds[0]}`)).body.tags).toEqual(['VIP']);
    expect((await B('GET', '/api/v1/tags')).body.data).toEqual([]);
    expect((await B('PATCH', `/api/v1/tags/${vip.id}`, { color: '#000000' })).status).toBe(404);
  });
});

describe('bulk', () => {
  it('assigns, changes status and stage, adds and removes tags on many chats', async () => {
    const stages = (await A('GET', '/api/v1/funnels')).body.data[0].stages;
    const won = stages.find((s: any) => s.name === 'Won').id;
    const r = await A('POST', '/api/v1/chats/bulk', { chatIds: chatIds.slice(0, 2), assigneeId: 'me', status: 'resolved', stageId: won, addTags: ['bulk', 'VIP'], removeTags: ['urgent'] });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(2);
    for (const c of r.body.data) {
      expect(c).toMatchObject({ assigneeId: a.user.id, status: 'resolved', stageId: won });
      expect([...c.tags].sort()).toEqual(['VIP', 'bulk']); // name order differs by collation (SQLite binary, MySQL case-insensitive)
    }
    const un = await A('POST', '/api/v1/chats/bulk', { chatIds: chatIds.slice(0, 2), assigneeId: null, removeTags: ['bulk'] });
    for (const c of un.body.data) expect(c).toMatchObject({ assigneeId: null, tags: ['VIP'] });
    expect((await A('GET', `/api/v1/chats/${chatIds[2]}`)).body).toMatchObject({ status: 'open', tags: [] });
  });

  it('validates and refuses other tenants\' chats, users and stages', async () => {
    expect((await A('POST', '/api/v1/chats/bulk', { chatIds: [chatIds[0]] })).status).toBe(400);
    expect((await A('POST', '/api/v1/chats/bulk', { chatIds: [], status: 'open' })).status).toBe(400);
    const other = await B('POST', '/api/v1/chats/bulk', { chatIds: [chatIds[0]], status: 'open' });
    expect(other).toMatchObject({ status: 404, body: { error: { details: { ids: [chatIds[0]] } } } });
    expect((await A('POST', '/api/v1/chats/bulk', { chatIds: [chatIds[0]], assigneeId: b.user.id })).status).toBe(404);
    const bStage = (await B('GET', '/api/v1/funnels')).body.data[0].stages[0].id;
    expect((await A('POST', '/api/v1/chats/bulk', { chatIds: [chatIds[0]], stageId: bStage })).status).toBe(404);
    expect((await A('GET', `/api/v1/chats/${chatIds[0]}`)).body.status).toBe('resolved');
  });
});

describe("a contact's chats", () => {
  it('lists the chats of a contact; 404 for another tenant', async () => {
    const chat = (await A('GET', `/api/v1/chats/${chatIds[2]}`)).body;
    const r = await A('GET', `/api/v1/contacts/${chat.contactId}/chats`);
    expect(r.body).toMatchObject({ data: [{ id: chat.id, contactId: chat.contactId }], nextCursor: null });
    expect((await B('GET', `/api/v1/contacts/${chat.contactId}/chats`)).status).toBe(404);
  });
});

describe('canned responses', () => {
  it('creates, lists, renders placeholders, counts uses, updates and deletes', async () => {
    const c = await A('POST', '/api/v1/canned-responses', { shortcut: '/hello', title: 'Greeting', text: 'Hi {{contact.firstName}}, {{agent.name}} here. Order {{order.id}}?' });
    expect(c).toMatchObject({ status: 201, body: { shortcut: 'hello', usageCount: 0 } });
    expect((await A('POST', '/api/v1/canned-responses', { shortcut: 'hello', text: 'dup' })).status).toBe(409);
    expect((await A('POST', '/api/v1/canned-responses', { shortcut: 'has space', text: 'x' })).status).toBe(400);
    await A('POST', '/api/v1/canned-responses', { shortcut: 'bye', text: 'Bye {{contact.name}}!' });
    expect((await A('GET', '/api/v1/canned-responses?q=/he')).body.data.map((x: any) => x.shortcut)).toEqual(['hello']);
    const chat = (await A('GET', `/api/v1/chats/${chatIds[2]}`)).body;
    const r = await A('POST', `/api/v1/canned-responses/${c.body.id}/render`, { chatId: chat.id });
    expect(r.body).toEqual({ id: c.body.id, text: `Hi ${chat.contact.name.split(' ')[0]}, ${'Owner'} ${r.body.text.split(' ')[3]} here. Order {{order.id}}?`, usageCount: 1 });
    expect(r.body.text).toMatch(/^Hi Buyer, Owner \d+ here\. Order \{\{order\.id\}\}\?$/);
    const list = (await A('GET', '/api/v1/canned-responses')).body.data;
    expect(list.map((x: any) => [x.shortcut, x.usageCount])).toEqual([['hello', 1], ['bye', 0]]);
    const u = await A('PATCH', `/api/v1/canned-responses/${c.body.id}`, { text: 'Hello!' });
    expect(u.body).toMatchObject({ text: 'Hello!', shortcut: 'hello' });
    expect((await A('PATCH', `/api/v1/canned-responses/${c.body.id}`, { shortcut: 'bye' })).status).toBe(409);
    expect((await A('DELETE', `/api/v1/canned-responses/${c.body.id}`)).status).toBe(204);
    expect((await A('GET', `/api/v1/canned-responses/${c.body.id}`)).status).toBe(404);
  });

  it('is shared within a tenant and invisible to others', async () => {
    const c = (await A('POST', '/api/v1/canned-responses', { shortcut: 'secret', text: 'x' })).body;
    expect((await B('GET', '/api/v1/canned-responses')).body.data).toEqual([]);
    expect((await B('GET', `/api/v1/canned-responses/${c.id}`)).status).toBe(404);
    expect((await B('PATCH', `/api/v1/canned-responses/${c.id}`, { text: 'y' })).status).toBe(404);
    expect((await B('DELETE', `/api/v1/canned-responses/${c.id}`)).status).toBe(404);
    expect((await B('POST', `/api/v1/canned-responses/${c.id}/render`, {})).status).toBe(404);
    // B's own response cannot be rendered against A's chat
    const mine = (await B('POST', '/api/v1/canned-responses', { shortcut: 'secret', text: '{{contact.name}}' })).body;
    expect((await B('POST', `/api/v1/canned-responses/${mine.id}/render`, { chatId: chatIds[0] })).status).toBe(404);
    // another agent of A sees and uses it; agents may not delete someone else's
    const agent = await A('POST', '/api/v1/users', { name: 'Agent Ann', email: `ann-${Date.now()}@example.test`, password: 'correct horse battery', role: 'agent' });
    const login = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email: agent.body.email, password: 'correct horse battery' } });
    const ann = (m: string, p: string, body?: unknown) => api(t.url, m, p, { token: login.body.accessToken, body });
    expect((await ann('GET', '/api/v1/canned-responses')).body.data.map((x: any) => x.shortcut)).toContain('secret');
    expect((await ann('DELETE', `/api/v1/canned-responses/${c.id}`)).status).toBe(403);
  });
});

describe('media upload', () => {
  it('stores raw and multipart uploads per tenant, with type and size limits', async () => {
    const raw = await fetch(`${t.url}/api/v1/media?filename=photo.png`, { method: 'POST', headers: { authorization: `Bearer ${a.accessToken}`, 'content-type': 'image/png' }, body: PNG });
    expect(raw.status).toBe(201);
    const up = await raw.json();
    expect(up).toMatchObject({ mimeType: 'image/png', size: PNG.length, filename: 'photo.png', kind: 'image' });
    expect(up.url).toMatch(new RegExp(`/api/v1/media/${up.id}\\?sig=`));
    const signed = await fetch(up.url.replace(/^https?:\/\/[^/]+/, t.url));
    expect(Buffer.from(await signed.arrayBuffer())).toEqual(PNG);

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('%PDF-1.4 hello')], { type: 'application/pdf' }), 'Prospecto açaí.pdf');
    const multi = await fetch(`${t.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${a.accessToken}` }, body: form });
    const doc = await multi.json();
    expect(multi.status).toBe(201);
    expect(doc).toMatchObject({ mimeType: 'application/pdf', filename: 'Prospecto açaí.pdf', kind: 'document' });
    const got = await fetch(`${t.url}/api/v1/media/${doc.id}`, { headers: { authorization: `Bearer ${a.accessToken}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''Prospecto%20a%C3%A7a%C3%AD.pdf");

    // another tenant's token does not open it
    expect((await fetch(`${t.url}/api/v1/media/${doc.id}`, { headers: { authorization: `Bearer ${b.accessToken}` } })).status).toBe(404);
    const post = (body: Buffer, type: string, token: string | null = a.accessToken) =>
      fetch(`${t.url}/api/v1/media`, { method: 'POST', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': type }, body });
    expect((await post(PNG, 'image/png', null)).status).toBe(401);
    const html = await post(Buffer.from('<script>'), 'text/html');
    expect(html.status).toBe(415);
    expect((await html.json()).error.code).toBe('MEDIA_TYPE_NOT_ALLOWED');
    const big = await post(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png');
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('MEDIA_TOO_LARGE');
  });

  it('sends an uploaded image: the provider gets the signed link', async () => {
    const up = await (await fetch(`${t.url}/api/v1/media?filename=p.png`, { method: 'POST', headers: { authorization: `Bearer ${a.accessToken}`, 'content-type': 'image/png' }, body: PNG })).json();
    const chatId = chatIds[2];
    const r = await A('POST', `/api/v1/chats/${chatId}/messages`, { type: 'image', url: up.url, caption: 'Our catalogue' });
    expect(r).toMatchObject({ status: 202, body: { type: 'image', text: 'Our catalogue', status: 'queued' } });
    const [send] = await t.graph.waitForRequests((q) => q.body?.type === 'image', 1, 15_000);
    expect(send.body.image).toMatchObject({ link: up.url, caption: 'Our catalogue' });
  });
});

describe('the built inbox', () => {
  it('serves /inbox with a single-page fallback and redirects / there', async () => {
    const root = await fetch(`${t.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/inbox/');
    for (const path of ['/inbox/', '/inbox/chats/123', '/inbox/list?status=open']) {
      const r = await fetch(t.url + path);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('Parley inbox');
    }
    const asset = await fetch(`${t.url}/inbox/assets/app-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${t.url}/inbox/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/v1/nope`)).status).toBe(404);
  });
});

describe('realtime notes and tags', () => {
  it('sends note_created and tag_updated to the tenant\'s agents only', async () => {
    const connect = async (token: string) => {
      const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      const events: [string, any][] = [];
      socket.onAny((name, e) => events.push([name, e]));
      await new Promise((r) => socket.on('connect', r));
      return events;
    };
    const [ofA, ofB] = [await connect(a.accessToken), await connect(b.accessToken)];
    const note = (await A('POST', `/api/v1/chats/${chatIds[1]}/notes`, { text: 'Customer prefers calls after 6pm' })).body;
    expect((await eventually(() => ofA.find(([n]) => n === 'note_created')))[1]).toEqual({ note });
    const tag = (await A('POST', '/api/v1/tags', { name: 'callback', color: '#22c55e' })).body;
    await eventually(() => ofA.find(([n, e]) => n === 'tag_updated' && e.tag.id === tag.id && e.tag.color === '#22c55e'));
    await A('PATCH', `/api/v1/tags/${tag.id}`, { color: '#ef4444' });
    expect((await eventually(() => ofA.find(([n, e]) => n === 'tag_updated' && e.tag.color === '#ef4444')))[1]).toEqual({ tag: { ...tag, color: '#ef4444' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(ofB.filter(([n]) => n === 'note_created' || n === 'tag_updated')).toEqual([]);
  });
});
