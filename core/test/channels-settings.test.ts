/**
 * The connection flow's back end (issue 6): plan entitlements, channel health, rename / pause /
 * resume / reconnect, the "needs attention" flag, and the login config, with roles and tenant
 * isolation. Runs on SQLite, and on MySQL/MariaDB when TEST_MYSQL_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

let t: TestParley;
beforeAll(async () => {
  t = await startTestParley({ TYPING_MS_PER_CHAR: '0', TYPING_JITTER_MS: '1' });
});
afterAll(async () => {
  await t?.close();
});

const A = (token: string, method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });

async function agentOf(ownerToken: string) {
  const email = `agent-${randomBytes(4).toString('hex')}@example.test`;
  const r = await A(ownerToken, 'POST', '/api/v1/users', { name: 'Agent', email, password: 'correct horse battery', role: 'agent' });
  expect(r.status).toBe(201);
  return (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;
}

/** An inbound message (so that the chat exists and is inside the 24-hour window), then the chat. */
async function chatFor(token: string, phoneNumberId: string, from = `1555${Math.floor(Math.random() * 1e7)}`) {
  expect((await postWhatsApp(t.url, textWebhook(phoneNumberId, from, 'hello'))).status).toBe(200);
  return eventually(async () => (await A(token, 'GET', '/api/v1/chats')).body.data.find((c: any) => c.contact.phone === from));
}

describe('GET /api/v1/entitlements', () => {
  it('lists the installed channel types the plan allows with limits, usage and users; tenant-scoped; agents may read', async () => {
    const a = await signup(t.url, 'Ent A');
    const b = await signup(t.url, 'Ent B');
    await connectWhatsApp(t, a.accessToken);
    await connectWhatsApp(t, a.accessToken);
    const r = await A(a.accessToken, 'GET', '/api/v1/entitlements');
    expect(r.status).toBe(200);
    expect(r.body.plan).toEqual({ id: 'default', name: 'Default' });
    const types = Object.fromEntries(r.body.channelTypes.map((c: any) => [c.type, c]));
    expect(types.whatsapp).toMatchObject({ displayName: expect.any(String), allowed: true, limit: 3, used: 2, remaining: 1, login: true });
    expect(types.telegram).toMatchObject({ allowed: true, used: 0, remaining: 3 });
    expect(types.messenger).toMatchObject({ allowed: true, login: true });
    expect(types.instagram).toMatchObject({ allowed: true, login: true });
    expect(r.body.users).toEqual({ used: 1, limit: 10, remaining: 9 });
    expect(r.body.features).toEqual([]);

    const other = await A(b.accessToken, 'GET', '/api/v1/entitlements');
    expect(other.body.channelTypes.find((c: any) => c.type === 'whatsapp')).toMatchObject({ used: 0, remaining: 3 });

    const agent = await agentOf(a.accessToken);
    const asAgent = await A(agent, 'GET', '/api/v1/entitlements');
    expect(asAgent.status).toBe(200);
    expect(asAgent.body.users.used).toBe(2);
    expect((await api(t.url, 'GET', '/api/v1/entitlements')).status).toBe(401);
  });

  it('reaches the limit at the 4th channel of a type: remaining 0 and 403 PLAN_LIMIT_REACHED, nothing created', async () => {
    const a = await signup(t.url, 'Limit');
    for (let i = 0; i < 3; i++) await connectWhatsApp(t, a.accessToken);
    const ent = await A(a.accessToken, 'GET', '/api/v1/entitlements');
    expect(ent.body.channelTypes.find((c: any) => c.type === 'whatsapp')).toMatchObject({ used: 3, remaining: 0 });
    await expect(connectWhatsApp(t, a.accessToken)).rejects.toThrow(/403.*PLAN_LIMIT_REACHED/);
    expect((await A(a.accessToken, 'GET', '/api/v1/channels')).body.data).toHaveLength(3);
  });

  it('a refused token answers 422 and creates no channel', async () => {
    const a = await signup(t.url, 'Refused');
    const phoneNumberId = String(200000000000000 + Math.floor(Math.random() * 1e12));
    t.graph.registerPhoneNumber(phoneNumberId, { accessToken: 'EAAG-right', displayPhoneNumber: '15550001111', verifiedName: 'X' });
    const r = await A(a.accessToken, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Bad', config: { phoneNumberId, wabaId: '1', accessToken: 'EAAG-wrong' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('CHANNEL_CREDENTIALS_INVALID');
    expect((await A(a.accessToken, 'GET', '/api/v1/channels')).body.data).toEqual([]);
  });
});

describe('channel JSON health', () => {
  it('starts empty, records the last webhook and the last send', async () => {
    const a = await signup(t.url, 'Health');
    const { channel, phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    const fresh = (await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body;
    expect(fresh).toMatchObject({ status: 'connected', lastWebhookAt: null, lastSentAt: null, lastSendError: null, needsAttention: false, attention: null });
    const before = Date.now();
    const chat = await chatFor(a.accessToken, phoneNumberId);
    const afterHook = (await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body;
    expect(Date.parse(afterHook.lastWebhookAt)).toBeGreaterThanOrEqual(before - 5);
    expect((await A(a.accessToken, 'POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'hi back' })).status).toBe(202);
    const sent = await eventually(async () => {
      const c = (await A(a.accessToken, 'GET', '/api/v1/channels')).body.data.find((x: any) => x.id === channel.id);
      return c.lastSentAt ? c : null;
    });
    expect(Date.parse(sent.lastSentAt)).toBeGreaterThanOrEqual(before);
  });

  it('a refused token on send flags the channel (error + instructions); resuming needs new credentials; reconnecting clears it', async () => {
    const a = await signup(t.url, 'Attention');
    const { channel, phoneNumberId, accessToken } = await connectWhatsApp(t, a.accessToken);
    const chat = await chatFor(a.accessToken, phoneNumberId);
    // the token gets revoked at Meta
    const newToken = `EAAG-${randomBytes(6).toString('hex')}`;
    t.graph.registerPhoneNumber(phoneNumberId, { accessToken: newToken, displayPhoneNumber: '15550783881', verifiedName: 'Acme' });
    await A(a.accessToken, 'POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'will fail' });
    const flagged = await eventually(async () => {
      const c = (await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body;
      return c.status === 'error' ? c : null;
    });
    expect(flagged.needsAttention).toBe(true);
    expect(flagged.lastSendError).toMatchObject({ code: 'INVALID_CREDENTIALS', message: expect.any(String), at: expect.any(String) });
    expect(flagged.attention).toMatchObject({ code: 'INVALID_CREDENTIALS', instructions: expect.stringMatching(/token/i) });
    expect(JSON.stringify(flagged)).not.toContain(accessToken);

    const resume = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { status: 'connected' });
    expect(resume.status).toBe(409);
    const wrong = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { config: { accessToken: 'EAAG-still-wrong' } });
    expect(wrong.status).toBe(422);
    expect((await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body.status).toBe('error');
    const fixed = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { config: { accessToken: newToken } });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'connected', needsAttention: false, attention: null, lastSendError: null });
    expect(fixed.body.config.accessToken).toBeUndefined();
    await A(a.accessToken, 'POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'works again' });
    await eventually(() => t.graph.sentMessages(phoneNumberId).some((r) => r.body?.text?.body === 'works again'));
  });

  it('a temporary send error is recorded without flagging the channel', async () => {
    const a = await signup(t.url, 'Temp');
    const { channel, phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    const chat = await chatFor(a.accessToken, phoneNumberId);
    const path = new RegExp(`/${phoneNumberId}/messages$`);
    t.graph.failNext({ path, method: 'POST' }, { status: 200, body: { success: true } }); // the typing indicator
    t.graph.failNext({ path, method: 'POST' }, { status: 400, body: { error: { message: 'Message failed to send because more than 24 hours have passed', type: 'OAuthException', code: 131026 } } });
    await A(a.accessToken, 'POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'x' });
    const c = await eventually(async () => {
      const ch = (await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body;
      return ch.lastSendError ? ch : null;
    });
    expect(c.status).toBe('connected');
    expect(c.needsAttention).toBe(false);
  });
});

describe('PATCH /api/v1/channels/:id', () => {
  it('renames; validates; owner/admin only; 404 for another tenant', async () => {
    const a = await signup(t.url, 'Patch A');
    const b = await signup(t.url, 'Patch B');
    const { channel } = await connectWhatsApp(t, a.accessToken);
    const r = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { name: '  Support line ' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: channel.id, name: 'Support line', status: 'connected' });
    expect((await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { status: 'error' })).status).toBe(400);
    expect((await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { name: '' })).status).toBe(400);
    expect((await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { bogus: 1 })).status).toBe(400);
    const agent = await agentOf(a.accessToken);
    const forbidden = await A(agent, 'PATCH', `/api/v1/channels/${channel.id}`, { name: 'x' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect((await A(agent, 'DELETE', `/api/v1/channels/${channel.id}`)).status).toBe(403);
    expect((await A(b.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { name: 'mine' })).status).toBe(404);
    expect((await A(b.accessToken, 'DELETE', `/api/v1/channels/${channel.id}`)).status).toBe(404);
    expect((await A(a.accessToken, 'GET', `/api/v1/channels/${channel.id}`)).body.name).toBe('Support line');
  });

  it('paused: inbound still stored, outbound held queued until resumed', async () => {
    const a = await signup(t.url, 'Pause');
    const { channel, phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    const chat = await chatFor(a.accessToken, phoneNumberId, '15550009999');
    const p = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { status: 'paused' });
    expect(p.body.status).toBe('paused');
    // inbound still acknowledged and stored
    expect((await postWhatsApp(t.url, textWebhook(phoneNumberId, '15550009999', 'while paused'))).status).toBe(200);
    const msgs = (await A(a.accessToken, 'GET', `/api/v1/chats/${chat.id}/messages`)).body.data;
    expect(msgs.some((m: any) => m.text === 'while paused')).toBe(true);
    // outbound held
    const sent = await A(a.accessToken, 'POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'held reply' });
    expect(sent.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.graph.sentMessages(phoneNumberId).some((r) => r.body?.text?.body === 'held reply')).toBe(false);
    const held = (await A(a.accessToken, 'GET', `/api/v1/chats/${chat.id}/messages`)).body.data.find((m: any) => m.text === 'held reply');
    expect(held.status).toBe('queued');
    // resumed: sent at once
    const r = await A(a.accessToken, 'PATCH', `/api/v1/channels/${channel.id}`, { status: 'connected' });
    expect(r.body.status).toBe('connected');
    await eventually(() => t.graph.sentMessages(phoneNumberId).some((q) => q.body?.text?.body === 'held reply'), 5000);
  });
});

describe('GET /api/v1/channels/login/:type/config', () => {
  it('tells the UI whether Facebook Login can be used', async () => {
    const a = await signup(t.url, 'Login cfg');
    const m = await A(a.accessToken, 'GET', '/api/v1/channels/login/messenger/config');
    expect(m.status).toBe(200);
    // the harness configures no META_APP_ID: the UI falls back to the manual page-token form
    expect(m.body).toMatchObject({ type: 'messenger', supported: true, available: false, provider: 'facebook', appId: null });
    expect(m.body.scopes).toContain('pages_messaging');
    // WhatsApp Embedded Signup needs META_APP_ID and META_WHATSAPP_CONFIG_ID too: not available here
    const w = await A(a.accessToken, 'GET', '/api/v1/channels/login/whatsapp/config');
    expect(w.body).toMatchObject({ type: 'whatsapp', supported: true, available: false, provider: 'facebook', flow: 'embedded_signup', configId: null });
    expect(w.body.reason).toMatch(/META_APP_ID.*META_WHATSAPP_CONFIG_ID/);
    const tg = await A(a.accessToken, 'GET', '/api/v1/channels/login/telegram/config');
    expect(tg.body).toMatchObject({ supported: false, available: false });
    expect((await A(a.accessToken, 'GET', '/api/v1/channels/login/nope/config')).body.error.code).toBe('CHANNEL_TYPE_UNKNOWN');
    const agent = await agentOf(a.accessToken);
    expect((await A(agent, 'GET', '/api/v1/channels/login/messenger/config')).status).toBe(403);
  });

  it('with a Meta app configured: appId and the dialog URL of the Graph version', async () => {
    const t2 = await startTestParley({ META_APP_ID: '1234567890' }, { graph: t.graph });
    try {
      const a = await signup(t2.url, 'Login cfg 2');
      const r = await api(t2.url, 'GET', '/api/v1/channels/login/instagram/config', { token: a.accessToken });
      expect(r.body).toMatchObject({ available: true, appId: '1234567890', dialogUrl: 'https://www.facebook.com/v24.0/dialog/oauth' });
      expect(r.body.scopes).toContain('instagram_manage_messages');
    } finally {
      await t2.close();
    }
  });
});
