import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

let t: TestParley;
let a: Awaited<ReturnType<typeof signup>>;
let b: Awaited<ReturnType<typeof signup>>;
let chatId: string;

beforeAll(async () => {
  t = await startTestParley();
  a = await signup(t.url, 'A');
  b = await signup(t.url, 'B');
  const { phoneNumberId } = await connectWhatsApp(t, a.accessToken);
  for (let i = 0; i < 5; i++) await postWhatsApp(t.url, textWebhook(phoneNumberId, `1555444000${i}`, `hello ${i}`, undefined, `Customer ${i}`));
  chatId = (await api(t.url, 'GET', '/api/v1/chats?q=Customer%200', { token: a.accessToken })).body.data[0].id;
});
afterAll(async () => {
  await t?.close();
});

describe('chats', () => {
  it('lists newest first with cursor pagination', async () => {
    const p1 = await api(t.url, 'GET', '/api/v1/chats?limit=2', { token: a.accessToken });
    expect(p1.body.data).toHaveLength(2);
    expect(p1.body.nextCursor).toBeTruthy();
    const p2 = await api(t.url, 'GET', `/api/v1/chats?limit=2&cursor=${p1.body.nextCursor}`, { token: a.accessToken });
    const p3 = await api(t.url, 'GET', `/api/v1/chats?limit=2&cursor=${p2.body.nextCursor}`, { token: a.accessToken });
    const ids = [...p1.body.data, ...p2.body.data, ...p3.body.data].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(5);
    expect(p3.body.nextCursor).toBeNull();
  });

  it('updates assignee, status, stage and tags, and filters by them', async () => {
    const funnel = (await api(t.url, 'GET', '/api/v1/funnels', { token: a.accessToken })).body.data[0];
    const won = funnel.stages.find((s: { name: string }) => s.name === 'Won').id;
    const r = await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: a.accessToken, body: { assigneeId: a.user.id, status: 'pending', stageId: won, tags: ['vip', 'lisbon'] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ assigneeId: a.user.id, status: 'pending', stageId: won, tags: ['lisbon', 'vip'] });
    expect((await api(t.url, 'GET', '/api/v1/chats?tag=vip', { token: a.accessToken })).body.data.map((c: { id: string }) => c.id)).toEqual([chatId]);
    expect((await api(t.url, 'GET', '/api/v1/chats?assigneeId=me', { token: a.accessToken })).body.data).toHaveLength(1);
    expect((await api(t.url, 'GET', '/api/v1/chats?assigneeId=none', { token: a.accessToken })).body.data).toHaveLength(4);
    expect((await api(t.url, 'GET', `/api/v1/chats?stageId=${won}&status=pending`, { token: a.accessToken })).body.data).toHaveLength(1);
    expect((await api(t.url, 'GET', '/api/v1/chats?q=hello%203', { token: a.accessToken })).body.data).toHaveLength(1);
    const unassign = await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: a.accessToken, body: { assigneeId: null, tags: [] } });
    expect(unassign.body).toMatchObject({ assigneeId: null, tags: [] });
  });

  it('refuses unknown fields, stages and assignees of other tenants', async () => {
    expect((await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: a.accessToken, body: { color: 'red' } })).status).toBe(400);
    expect((await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: a.accessToken, body: { assigneeId: b.user.id } })).status).toBe(404);
    const bStage = (await api(t.url, 'GET', '/api/v1/funnels', { token: b.accessToken })).body.data[0].stages[0].id;
    expect((await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: a.accessToken, body: { stageId: bStage } })).status).toBe(404);
  });

  it("answers 404 for another tenant's chats and messages and lists none of them", async () => {
    expect((await api(t.url, 'GET', `/api/v1/chats/${chatId}`, { token: b.accessToken })).status).toBe(404);
    expect((await api(t.url, 'GET', `/api/v1/chats/${chatId}/messages`, { token: b.accessToken })).status).toBe(404);
    expect((await api(t.url, 'PATCH', `/api/v1/chats/${chatId}`, { token: b.accessToken, body: { status: 'resolved' } })).status).toBe(404);
    expect((await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token: b.accessToken, body: { type: 'text', text: 'x' } })).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/chats', { token: b.accessToken })).body.data).toEqual([]);
    expect((await api(t.url, 'GET', '/api/v1/contacts', { token: b.accessToken })).body.data).toEqual([]);
  });

  it('validates message bodies', async () => {
    const r = await api(t.url, 'POST', `/api/v1/chats/${chatId}/messages`, { token: a.accessToken, body: { type: 'image' } });
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('contacts', () => {
  it('creates, reads, updates, searches and deletes contacts', async () => {
    const c = await api(t.url, 'POST', '/api/v1/contacts', { token: a.accessToken, body: { name: 'Zed', phone: '+351 912 000 000', attributes: { plan: 'gold' } } });
    expect(c.status).toBe(201);
    const u = await api(t.url, 'PATCH', `/api/v1/contacts/${c.body.id}`, { token: a.accessToken, body: { email: 'zed@example.test' } });
    expect(u.body).toMatchObject({ name: 'Zed', email: 'zed@example.test', attributes: { plan: 'gold' } });
    expect((await api(t.url, 'GET', '/api/v1/contacts?q=zed', { token: a.accessToken })).body.data).toHaveLength(1);
    expect((await api(t.url, 'GET', `/api/v1/contacts/${c.body.id}`, { token: b.accessToken })).status).toBe(404);
    expect((await api(t.url, 'DELETE', `/api/v1/contacts/${c.body.id}`, { token: a.accessToken })).status).toBe(204);
    expect((await api(t.url, 'GET', `/api/v1/contacts/${c.body.id}`, { token: a.accessToken })).status).toBe(404);
  });
});
