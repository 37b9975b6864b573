import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { listFixtures, readFixtureBytes, readFixtureJson } from '../../testing/fixtures.js';
import { Database } from '../src/database/database.service.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, retarget, sign, signup, startTestParley, textWebhook, VERIFY_TOKEN, type TestParley } from './harness.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const db = () => t.parley.app.get(Database);
const count = async (sql: string, params: unknown[] = []) => Number((await db().manager.query(sql, params))[0].n);

beforeAll(async () => {
  t = await startTestParley();
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken, '106540352242922')).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('WhatsApp webhook endpoint', () => {
  it('answers the verification handshake', async () => {
    const ok = await fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong`);
    expect(bad.status).toBe(403);
  });

  it('accepts the fixture body signed as in the computed signature fixture', async () => {
    const raw = readFixtureBytes('whatsapp', 'webhook_text__meta_docs.json');
    const sigFixture = readFixtureJson('whatsapp', 'webhook_signature_x_hub_signature_256__computed.json');
    expect(sign(raw)).toBe(sigFixture.headers['X-Hub-Signature-256']);
    const res = await fetch(`${t.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
    expect(res.status).toBe(200);
    expect(await count("SELECT COUNT(*) n FROM messages WHERE external_id = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='")).toBe(1);
  });

  it('refuses bad or missing signatures without storing anything', async () => {
    const before = await count('SELECT COUNT(*) n FROM messages');
    const events = await count('SELECT COUNT(*) n FROM webhook_events');
    const body = textWebhook(phone, '15550001111', 'hi');
    expect((await postWhatsApp(t.url, body, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect((await postWhatsApp(t.url, body, { signature: null })).status).toBe(401);
    expect((await postWhatsApp(t.url, body, { signature: sign(JSON.stringify(body), 'other secret') })).status).toBe(401);
    expect(await count('SELECT COUNT(*) n FROM messages')).toBe(before);
    expect(await count('SELECT COUNT(*) n FROM webhook_events')).toBe(events);
  });

  it('answers 400 to malformed JSON and to non-WhatsApp bodies', async () => {
    const r = await postWhatsApp(t.url, '{"object":"whatsapp_business_account","entry":[');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    expect((await postWhatsApp(t.url, { hello: 'world' })).status).toBe(400);
  });

  it('answers 200 and stores nothing for an unknown phone number id', async () => {
    const before = await count('SELECT COUNT(*) n FROM messages');
    expect((await postWhatsApp(t.url, textWebhook('555555555555', '15550002222', 'hello?'))).status).toBe(200);
    expect(await count('SELECT COUNT(*) n FROM messages')).toBe(before);
  });
});

describe('inbound pipeline', () => {
  it('stores a new message: contact with profile name, unassigned open chat in the first stage', async () => {
    const body = textWebhook(phone, '15551230001', 'Does it come in another color?', undefined, 'Ana Lima');
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    const chats = await api(t.url, 'GET', '/api/v1/chats?q=Ana', { token: owner.accessToken });
    expect(chats.body.data).toHaveLength(1);
    const chat = chats.body.data[0];
    const funnels = await api(t.url, 'GET', '/api/v1/funnels', { token: owner.accessToken });
    expect(chat).toMatchObject({ contact: { name: 'Ana Lima', phone: '15551230001' }, assigneeId: null, status: 'open', unreadCount: 1, stageId: funnels.body.data[0].stages[0].id, lastMessagePreview: 'Does it come in another color?' });
    const msgs = await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken });
    expect(msgs.body.data[0]).toMatchObject({ direction: 'in', senderType: 'contact', type: 'text', text: 'Does it come in another color?', status: 'received', externalId: body.entry[0].changes[0].value.messages[0].id });
  });

  it('drops provider retries (same message id) and keeps the unread count right', async () => {
    const body = textWebhook(phone, '15551230002', 'once');
    for (let i = 0; i < 3; i++) expect((await postWhatsApp(t.url, body)).status).toBe(200);
    await Promise.all([postWhatsApp(t.url, body), postWhatsApp(t.url, body)]);
    const id = body.entry[0].changes[0].value.messages[0].id;
    expect(await count('SELECT COUNT(*) n FROM messages WHERE external_id = ?', [id])).toBe(1);
    const chat = (await db().manager.query('SELECT unread_count FROM chats c JOIN messages m ON m.chat_id = c.id WHERE m.external_id = ?', [id]))[0];
    expect(Number(chat.unread_count)).toBe(1);
  });

  it('stores every message of a batch webhook', async () => {
    const body = textWebhook(phone, '15551230003', 'first');
    const value = body.entry[0].changes[0].value as any;
    for (let i = 0; i < 24; i++) value.messages.push({ ...value.messages[0], id: `wamid.batch-${i}-${Date.now()}`, text: { body: `m${i}` } });
    body.entry.push(textWebhook(phone, '15551230004', 'other contact').entry[0]);
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    expect(await count("SELECT COUNT(*) n FROM messages m JOIN contacts k ON k.id = (SELECT contact_id FROM chats WHERE id = m.chat_id) WHERE k.phone IN ('15551230003','15551230004')")).toBe(26);
  });

  it('30 concurrent first messages from one new contact make one contact and one chat', async () => {
    const from = '15551239999';
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => postWhatsApp(t.url, textWebhook(phone, from, `burst ${i}`))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await count('SELECT COUNT(*) n FROM contacts WHERE phone = ?', [from])).toBe(1);
    expect(await count('SELECT COUNT(*) n FROM chats c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from])).toBe(1);
    expect(await count('SELECT COUNT(*) n FROM messages m JOIN chats c ON c.id = m.chat_id JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from])).toBe(30);
    const chat = (await db().manager.query('SELECT c.unread_count FROM chats c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from]))[0];
    expect(Number(chat.unread_count)).toBe(30);
  });

  it('identifies username users by their business-scoped id when wa_id is empty', async () => {
    const body = retarget(readFixtureJson('whatsapp', 'webhook_text_username_user_bsuid__meta_docs.json'), phone);
    body.entry[0].changes[0].value.messages[0].id = 'wamid.bsuid-1';
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    const rows = await db().manager.query("SELECT i.external_id, k.username, k.phone FROM contact_identities i JOIN contacts k ON k.id = i.contact_id WHERE i.external_id = 'user.93737...'");
    expect(rows).toHaveLength(1);
    expect(rows[0].username).toBe('@realsheenanelson');
    expect(rows[0].phone).toBeNull();
  });

  it('downloads inbound media into tenant storage and serves it with access control', async () => {
    const bytes = Buffer.from('\x89PNG fake image bytes');
    t.graph.registerMedia('777000111', { data: bytes, mimeType: 'image/png' });
    const body = retarget(readFixtureJson('whatsapp', 'webhook_image__meta_docs.json'), phone);
    const m = body.entry[0].changes[0].value.messages[0];
    m.id = 'wamid.image-1';
    m.image.id = '777000111';
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    const row = await eventually(async () => {
      const r = (await db().manager.query("SELECT tenant_id, media_json FROM messages WHERE external_id = 'wamid.image-1'"))[0];
      return r && JSON.parse(r.media_json).state === 'stored' ? r : null;
    });
    const media = JSON.parse(row.media_json);
    expect(media).toMatchObject({ providerMediaId: '777000111', mimeType: 'image/jpeg', caption: 'Taj Mahal' });
    const chatId = (await db().manager.query("SELECT chat_id FROM messages WHERE external_id = 'wamid.image-1'"))[0].chat_id;
    const msgs = await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: owner.accessToken });
    const url: string = msgs.body.data[0].media.url;
    expect(url).toContain('/api/v1/media/');
    const path = new URL(url).pathname + new URL(url).search;
    const res = await fetch(t.url + path);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(t.url + new URL(url).pathname + '?sig=' + 'x'.repeat(32))).status).toBe(404);
    const other = await signup(t.url);
    expect((await fetch(t.url + new URL(url).pathname, { headers: { authorization: `Bearer ${other.accessToken}` } })).status).toBe(404);
    expect((await fetch(t.url + new URL(url).pathname, { headers: { authorization: `Bearer ${owner.accessToken}` } })).status).toBe(200);
  });
});

describe('contract: every WhatsApp webhook fixture through the real endpoint', () => {
  const files = listFixtures('whatsapp', 'webhook_').filter((f) => !f.includes('signature') && !f.includes('verification'));
  it.each(files)('%s is accepted and stored', async (file) => {
    const fixture = JSON.parse(readFileSync(new URL(`../../testing/fixtures/channels/whatsapp/${file}`, import.meta.url), 'utf8'));
    const body = retarget(fixture, phone);
    // unique ids per replay so fixtures sharing ids do not de-duplicate each other
    for (const e of body.entry) for (const c of e.changes) for (const m of c.value?.messages ?? []) m.id = `${m.id}-${file}`;
    const expected = body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value?.messages ?? [])).length;
    const res = await postWhatsApp(t.url, body);
    expect(res.status).toBe(200);
    const stored = await db().manager.query(`SELECT type, reaction_to_id FROM messages WHERE external_id LIKE ?`, [`%-${file}`]);
    expect(stored).toHaveLength(expected);
    for (const s of stored) expect(['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'reaction', 'unsupported']).toContain(s.type);
  });
});

describe('post-commit work survives a crash', () => {
  it('handles outbox rows left by a previous run at start-up', async () => {
    const body = textWebhook(phone, '15551238888', 'left behind');
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    const msgId = (await db().manager.query('SELECT id FROM messages WHERE external_id = ?', [body.entry[0].changes[0].value.messages[0].id]))[0].id;
    await t.parley.app.get(OutboxService).drain();
    // simulate a crash between commit and post-commit work: an outbox row nobody handled
    await db().manager.query("INSERT INTO outbox (id, tenant_id, topic, payload, attempts, available_at, created_at) VALUES ('crash-row', NULL, 'inbound.committed', ?, 0, ?, ?)", [
      JSON.stringify({ messageIds: [msgId], chatIds: [], newChatIds: [], newContactIds: [], statusMessageIds: [] }), Date.now() + 30_000, Date.now() - 60_000,
    ]);
    await t.restart();
    await eventually(async () => (await count("SELECT COUNT(*) n FROM outbox WHERE id = 'crash-row'")) === 0);
  });
});
