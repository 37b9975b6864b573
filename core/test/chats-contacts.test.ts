import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationsRepository } from '../src/conversations/conversations.repository.js';
import { Database } from '../src/database/database.service.js';
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

describe('chat search (q): full text over messages, contact name and phone', () => {
  let joana: string;
  let ze: string;
  const search = async (token: string, q: string, extra: string) =>
    (await api(t.url, 'GET', `/api/v1/chats?q=${encodeURIComponent(q)}${extra}`, { token })).body.data.map((c: { id: string }) => c.id).sort();
  /** Chat ids found by `q`, by both search plans (rare words: index first; common words: walk the list). */
  const ids = async (token: string, q: string, extra = '') => {
    const tuning = t.parley.app.get(ConversationsRepository).searchTuning;
    const saved = { ...tuning };
    const byIndex = await search(token, q, extra);
    Object.assign(tuning, { frequentMatches: 1, walkWindow: 2, contactIds: 0 });
    try {
      expect(await search(token, q, extra), `walking plan for ${q}`).toEqual(byIndex);
    } finally {
      Object.assign(tuning, saved);
    }
    return byIndex;
  };

  beforeAll(async () => {
    const { phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351910041234', 'The blue helmet arrived with the parcel', undefined, 'Joana Silva'));
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351930000001', 'He said "stop*" -- 100% sure about the parcel', undefined, 'Zé Ninguém'));
    const bPhone = (await connectWhatsApp(t, b.accessToken)).phoneNumberId;
    await postWhatsApp(t.url, textWebhook(bPhone, '351960000002', 'blue helmet parcel for tenant B', undefined, 'Joana Silva'));
    joana = (await ids(a.accessToken, 'Joana'))[0];
    ze = (await ids(a.accessToken, 'Ninguém'))[0];
    expect(joana && ze && joana !== ze).toBeTruthy();
  });

  it('finds a word or a word prefix in messages, all words required, in any order', async () => {
    expect(await ids(a.accessToken, 'helmet')).toEqual([joana]);
    expect(await ids(a.accessToken, 'HELM')).toEqual([joana]);
    expect(await ids(a.accessToken, 'parcel blue')).toEqual([joana]);
    expect(await ids(a.accessToken, 'parcel')).toEqual([joana, ze].sort());
    expect(await ids(a.accessToken, 'he said')).toEqual([ze]);
    expect(await ids(a.accessToken, 'helmet qwxyzzy')).toEqual([]);
  });

  it('finds contacts by a part of the name or of the phone', async () => {
    expect(await ids(a.accessToken, 'Silva')).toEqual([joana]);
    expect(await ids(a.accessToken, '91004')).toEqual([joana]);
  });

  it('takes search-engine operators and LIKE wildcards literally', async () => {
    for (const q of ['"stop*"', '100%', 'stop -sure', 'parcel OR nothing', 'NEAR(parcel said)', 'said:']) {
      const r = await api(t.url, 'GET', `/api/v1/chats?q=${encodeURIComponent(q)}`, { token: a.accessToken });
      expect(r.status, q).toBe(200);
    }
    expect(await ids(a.accessToken, '"stop*"')).toEqual([ze]);
    expect(await ids(a.accessToken, '100%')).toEqual([ze]);
    expect(await ids(a.accessToken, 'parcel OR nothing')).toEqual([]);
    // no word at all: the characters themselves, as text
    expect(await ids(a.accessToken, '%')).toEqual([ze]);
    expect(await ids(a.accessToken, '"')).toEqual([ze]);
    expect(await ids(a.accessToken, '*')).toEqual([ze]);
    expect(await ids(a.accessToken, '--')).toEqual([ze]);
    expect(await ids(a.accessToken, '_')).toEqual([]);
  });

  it('never returns another tenant\'s chats', async () => {
    expect(await ids(a.accessToken, 'tenant')).toEqual([]);
    expect(await ids(b.accessToken, 'helmet')).toHaveLength(1);
    expect(await ids(b.accessToken, 'helmet')).not.toContain(joana);
    expect(await ids(b.accessToken, 'said')).toEqual([]);
  });

  it('pages search results with the cursor and combines q with the other filters', async () => {
    const p1 = await api(t.url, 'GET', '/api/v1/chats?q=parcel&limit=1', { token: a.accessToken });
    expect(p1.body.data).toHaveLength(1);
    const p2 = await api(t.url, 'GET', `/api/v1/chats?q=parcel&limit=1&cursor=${p1.body.nextCursor}`, { token: a.accessToken });
    expect(p2.body.data).toHaveLength(1);
    expect(p2.body.nextCursor).toBeNull();
    expect([p1.body.data[0].id, p2.body.data[0].id].sort()).toEqual([joana, ze].sort());
    expect(await ids(a.accessToken, 'parcel', '&status=resolved')).toEqual([]);
    expect(await ids(a.accessToken, 'parcel', '&status=open')).toEqual([joana, ze].sort());
  });

  it('keeps the index in step when messages are deleted (with their contact)', async () => {
    const chat = (await api(t.url, 'GET', `/api/v1/chats/${ze}`, { token: a.accessToken })).body;
    expect((await api(t.url, 'DELETE', `/api/v1/contacts/${chat.contactId}`, { token: a.accessToken })).status).toBe(204);
    expect(await ids(a.accessToken, 'parcel')).toEqual([joana]);
    expect(await ids(a.accessToken, '100%')).toEqual([]);
  });
});

describe('search index upkeep', () => {
  it('is in place after start; on SQLite missing sync triggers are recreated and the index rebuilt', async () => {
    const db = t.parley.app.get(Database);
    if (t.db.dialect === 'mysql') {
      const rows = await db.manager.query("SELECT INDEX_TYPE AS type FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'messages' AND INDEX_NAME = 'ft_messages_text'");
      expect(rows.map((r: { type: string }) => r.type)).toEqual(['FULLTEXT']);
      return;
    }
    // what a later migration rebuilding `messages` through TypeORM's Table API would leave: no triggers
    for (const name of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await db.manager.query(`DROP TRIGGER ${name}`);
    const { phoneNumberId } = await connectWhatsApp(t, a.accessToken);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351940000009', 'Unindexed marmalade question', undefined, 'Rui Reis'));
    const find = async () => (await api(t.url, 'GET', '/api/v1/chats?q=marmalade', { token: a.accessToken })).body.data.length;
    expect(await find()).toBe(0);
    await t.restart();
    expect(await find()).toBe(1);
    await postWhatsApp(t.url, textWebhook(phoneNumberId, '351940000010', 'Another marmalade question', undefined, 'Rui Reis Jr'));
    expect(await find()).toBe(2);
  });
});
