import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { readFixtureJson } from '../../testing/fixtures.js';
import { Database } from '../src/database/database.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

let t: TestParley;
const sockets: Socket[] = [];

function connect(token: string): Promise<{ socket: Socket; events: { name: string; payload: any }[] }> {
  const socket = io(t.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: { name: string; payload: any }[] = [];
  socket.onAny((name, payload) => events.push({ name, payload }));
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve({ socket, events }));
    socket.on('connect_error', reject);
  });
}

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '1000' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

describe('realtime', () => {
  it('refuses sockets without a valid token', async () => {
    await expect(connect('not-a-token')).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it("delivers a tenant's events to its sockets and never to another tenant's", async () => {
    const a = await signup(t.url, 'A');
    const b = await signup(t.url, 'B');
    const { phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    await connectWhatsApp(t, b.accessToken);
    const sa = await connect(a.accessToken);
    const sb = await connect(b.accessToken);
    const body = textWebhook(phoneNumberId, '15557770001', 'hello live');
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    const created = await eventually(() => sa.events.find((e) => e.name === 'message_created'));
    expect(created.payload.message).toMatchObject({ text: 'hello live', direction: 'in', type: 'text' });
    const updated = await eventually(() => sa.events.find((e) => e.name === 'chat_updated'));
    expect(updated.payload.chat).toMatchObject({ unreadCount: 1, contact: { phone: '15557770001' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.events).toEqual([]);
  });
});

describe('outbound replies', () => {
  it('queues (202), shows typing, waits, sends through the Graph API, assigns the agent, and tracks statuses', async () => {
    const owner = await signup(t.url);
    const { phoneNumberId, accessToken } = await connectWhatsApp(t, owner.accessToken);
    const live = await connect(owner.accessToken);
    const inbound = textWebhook(phoneNumberId, '15557770002', 'Do you ship to Lisbon?');
    const inboundId = inbound.entry[0].changes[0].value.messages[0].id;
    await postWhatsApp(t.url, inbound);
    const chat = (await api(t.url, 'GET', '/api/v1/chats', { token: owner.accessToken })).body.data[0];
    expect(chat.assigneeId).toBeNull();

    const text = 'Yes, we ship to Lisbon in 2 days.';
    const r = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', direction: 'out', senderType: 'agent', text, chatId: chat.id });

    const sent = await eventually(async () => {
      const m = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken })).body.data[0];
      return m.status === 'sent' ? m : null;
    });
    expect(sent.externalId).toMatch(/^wamid\./);
    const calls = t.graph.requests.filter((q) => q.path === `/v24.0/${phoneNumberId}/messages`);
    const typing = calls.find((q) => q.body?.typing_indicator);
    const send = calls.find((q) => q.body?.type === 'text');
    expect(typing?.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: inboundId, typing_indicator: { type: 'text' } });
    expect(send?.body).toMatchObject({ messaging_product: 'whatsapp', to: '+15557770002', type: 'text', text: { body: text } });
    expect(typing!.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(send!.headers.authorization).toBe(`Bearer ${accessToken}`);
    // typing first, then at least 13 ms per character before the send
    expect(send!.at - typing!.at).toBeGreaterThanOrEqual(13 * text.length);

    const after = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}`, { token: owner.accessToken })).body;
    expect(after.assigneeId).toBe(owner.user.id);
    await eventually(() => live.events.find((e) => e.name === 'message_updated' && e.payload.message.status === 'sent'));

    // status webhooks move it to delivered, then read; an older "delivered" cannot undo "read"
    const status = (s: string) => ({
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: phoneNumberId }, statuses: [{ id: sent.externalId, status: s, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15557770002' }] } }] }],
    });
    await postWhatsApp(t.url, status('delivered'));
    await postWhatsApp(t.url, status('read'));
    await postWhatsApp(t.url, status('delivered'));
    const final = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken })).body.data[0];
    expect(final.status).toBe('read');
    expect(final.readAt).not.toBeNull();
    await eventually(() => live.events.find((e) => e.name === 'message_updated' && e.payload.message.status === 'read'));
  });

  it('refuses free-form messages outside the 24-hour window but allows templates', async () => {
    const owner = await signup(t.url);
    const { phoneNumberId } = await connectWhatsApp(t, owner.accessToken);
    const old = Math.floor(Date.now() / 1000) - 25 * 3600;
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '15557770003', 'old message', undefined, 'Old', old));
    const chat = (await api(t.url, 'GET', '/api/v1/chats', { token: owner.accessToken })).body.data[0];
    const r = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'late' } });
    expect(r).toMatchObject({ status: 422, body: { error: { code: 'OUTSIDE_CUSTOMER_SERVICE_WINDOW' } } });
    const tpl = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'template', template: { name: 'hello_world', language: 'en_US' } } });
    expect(tpl.status).toBe(202);
  });

  it('retries 131056 with backoff and fails permanently on 131026 without retrying', async () => {
    const owner = await signup(t.url);
    const { phoneNumberId } = await connectWhatsApp(t, owner.accessToken);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '15557770004', 'hi'));
    const chat = (await api(t.url, 'GET', '/api/v1/chats', { token: owner.accessToken })).body.data[0];
    const path = new RegExp(`/${phoneNumberId}/messages$`);
    // the typing indicator posts to the same path first: let it pass, fail the send
    const failSend = (body: unknown) => {
      t.graph.failNext({ path, method: 'POST' }, { status: 200, body: { success: true } });
      t.graph.failNext({ path, method: 'POST' }, { status: 400, body });
    };
    failSend(readFixtureJson('whatsapp', 'send_error_131056__captured_test_fixture.json'));
    const ok = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'a' } });
    const sent = await eventually(async () => {
      const m = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken })).body.data.find((x: any) => x.id === ok.body.id);
      return m.status === 'sent' ? m : null;
    }, 20_000);
    expect(sent.externalId).toMatch(/^wamid\./);
    const retried = await t.parley.app.get(Database).manager.query('SELECT attempts FROM messages WHERE id = ?', [ok.body.id]);
    expect(Number(retried[0].attempts)).toBe(2);

    const permanent = { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026, error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' } } };
    failSend(permanent);
    const bad = await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'b' } });
    const failed = await eventually(async () => {
      const m = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken })).body.data.find((x: any) => x.id === bad.body.id);
      return m.status === 'failed' ? m : null;
    }, 20_000);
    expect(failed.error).toMatchObject({ code: 'RECIPIENT_UNREACHABLE', providerCode: 131026 });
    const rows = await t.parley.app.get(Database).manager.query('SELECT attempts FROM messages WHERE id = ?', [bad.body.id]);
    expect(Number(rows[0].attempts)).toBe(1);
  });

  it('sends queued messages in order per chat and resumes them after a restart', async () => {
    const owner = await signup(t.url);
    const { phoneNumberId } = await connectWhatsApp(t, owner.accessToken);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '15557770005', 'hi'));
    const chat = (await api(t.url, 'GET', '/api/v1/chats', { token: owner.accessToken })).body.data[0];
    // long typing delays keep messages queued while we restart
    await t.restart({ TYPING_MS_PER_CHAR: '2000', TYPING_JITTER_MS: '0' });
    const texts = ['one', 'two', 'three'];
    for (const text of texts) expect((await api(t.url, 'POST', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken, body: { type: 'text', text } })).status).toBe(202);
    // the graceful stop below finishes the message in flight and leaves the others queued;
    // clearing leases stands in for leases that expired after a crash
    await t.parley.app.get(Database).manager.query("UPDATE messages SET lease_until = NULL WHERE chat_id = ? AND status = 'queued'", [chat.id]);
    await t.restart({ TYPING_MS_PER_CHAR: '1', TYPING_JITTER_MS: '0' });
    await eventually(async () => {
      const msgs = (await api(t.url, 'GET', `/api/v1/chats/${chat.id}/messages`, { token: owner.accessToken })).body.data;
      return msgs.filter((m: any) => m.direction === 'out' && m.status === 'sent').length === 3;
    }, 20_000);
    const sends = t.graph.requests.filter((q) => q.path === `/v24.0/${phoneNumberId}/messages` && q.body?.type === 'text').map((q) => q.body.text.body);
    expect(sends.filter((s) => texts.includes(s))).toEqual(texts);
  });
});
