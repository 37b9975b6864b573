/**
 * The flow events of inbox changes (PATCH /chats/:id, POST /chats/bulk, PATCH /contacts/:id) are
 * written in the change's own transaction: a failure after the change, inside that transaction,
 * rolls back both; an event whose delivery never happened (the process "died" after the commit)
 * is still in the outbox; concurrent changes of one chat report a transition once. Runs on SQLite,
 * and on MariaDB when TEST_MYSQL_URL is set.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { FLOWS_DOMAIN_EVENT, FlowDomainEvents } from '../src/flows/domain-events.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: owner.accessToken, body });
const db = () => t.parley.app.get(Database);
const outbox = () => t.parley.app.get(OutboxService);
const q = (sql: string, params: unknown[] = []) => db().manager.query(sql, params);
/** Outbox rows of flow events about `id` (a chat or contact id). */
const eventRows = async (id: string): Promise<{ id: string; payload: string }[]> =>
  (await q('SELECT id, payload FROM outbox WHERE topic = ?', [FLOWS_DOMAIN_EVENT])).filter((r: { payload: string }) => r.payload.includes(id));

async function chatOf(from: string): Promise<{ id: string; contactId: string }> {
  await postWhatsApp(t.url, textWebhook(phone, from, 'hello', undefined, 'Kim'));
  return eventually(async () => {
    const rows = await q('SELECT c.id, c.contact_id FROM chats c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from]);
    return rows[0] ? { id: rows[0].id as string, contactId: rows[0].contact_id as string } : null;
  });
}

/** Makes the next outbox enqueue write its rows in the caller's transaction and then throw. */
function failAfterEnqueue() {
  const svc = outbox();
  const real = svc.enqueue.bind(svc);
  return vi.spyOn(svc, 'enqueue').mockImplementationOnce(async (m, rows, ms) => {
    const written = await real(m, rows, ms);
    expect(written.length).toBeGreaterThan(0);
    throw new Error('injected failure after the change and its events were written');
  });
}

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await t?.close();
});

describe('flow events commit with the inbox change', () => {
  it('a failure inside the transaction after the change rolls back the chat change and its events', async () => {
    const chat = await chatOf('15550600001');
    const deliver = vi.spyOn(t.parley.app.get(FlowDomainEvents), 'deliver');

    const spy = failAfterEnqueue();
    const r = await call('PATCH', `/api/v1/chats/${chat.id}`, { status: 'resolved', assigneeId: owner.user.id, tags: ['vip'] });
    expect(r.status).toBe(500);
    expect(spy).toHaveBeenCalledTimes(1);
    const [row] = await q('SELECT status, assignee_id FROM chats WHERE id = ?', [chat.id]);
    expect(row).toMatchObject({ status: 'open', assignee_id: null });
    expect(await q('SELECT ct.tag_id FROM chat_tags ct WHERE ct.chat_id = ?', [chat.id])).toEqual([]);
    expect(await eventRows(chat.id)).toEqual([]);

    failAfterEnqueue();
    const b = await call('POST', '/api/v1/chats/bulk', { chatIds: [chat.id], status: 'pending', addTags: ['gold'] });
    expect(b.status).toBe(500);
    expect((await q('SELECT status FROM chats WHERE id = ?', [chat.id]))[0].status).toBe('open');
    expect(await q('SELECT ct.tag_id FROM chat_tags ct WHERE ct.chat_id = ?', [chat.id])).toEqual([]);
    expect(await eventRows(chat.id)).toEqual([]);

    failAfterEnqueue();
    const c = await call('PATCH', `/api/v1/contacts/${chat.contactId}`, { email: 'kim@example.test' });
    expect(c.status).toBe(500);
    expect((await q('SELECT email FROM contacts WHERE id = ?', [chat.contactId]))[0].email).toBeNull();
    expect(await eventRows(chat.contactId)).toEqual([]);
    expect(deliver).not.toHaveBeenCalled();

    // without the failure the same change goes through with its events
    const ok = await call('PATCH', `/api/v1/chats/${chat.id}`, { status: 'resolved' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('resolved');
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(deliver.mock.calls[0][0].map((x) => JSON.parse(x.payload).kind)).toEqual(['status_changed']);
  });

  it('events of a committed change stay in the outbox when delivery never happened, and the sweeper starts their flow once', async () => {
    const create = await call('POST', '/api/v1/flows', { name: 'On pending', draft: { nodes: [n('t', 'trigger.status_changed', { to: ['pending'] }), n('v', 'data.set_variable', { variable: 'x', value: '1' })], edges: [e('t', 'v')] } });
    const flowId = create.body.id as string;
    expect((await call('POST', `/api/v1/flows/${flowId}/publish`, {})).status).toBe(201);
    expect((await call('PATCH', `/api/v1/flows/${flowId}`, { enabled: true })).status).toBe(200);
    const chat = await chatOf('15550600002');

    // the process "dies" right after the commit: nothing is handed to the engine
    vi.spyOn(t.parley.app.get(FlowDomainEvents), 'deliver').mockImplementationOnce(() => undefined);
    expect((await call('PATCH', `/api/v1/chats/${chat.id}`, { status: 'pending' })).status).toBe(200);
    const rows = await eventRows(chat.id);
    expect(rows.map((r) => JSON.parse(r.payload))).toMatchObject([{ kind: 'status_changed', from: 'open', to: 'pending', chatId: chat.id, actorId: owner.user.id }]);
    const runs = async () => Number((await q('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [flowId]))[0].n);
    expect(await runs()).toBe(0);

    // later (a restart makes crash leftovers due): the sweeper delivers it; a second sweep finds nothing
    await db().transaction((m) => m.query('UPDATE outbox SET available_at = ? WHERE id = ?', [Date.now() - 1, rows[0].id]));
    expect(await outbox().sweep()).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await runs()) === 1);
    await outbox().drain();
    expect(await eventRows(chat.id)).toEqual([]);
    expect(await outbox().sweep()).toBe(0);
    expect(await runs()).toBe(1);
    await call('PATCH', `/api/v1/flows/${flowId}`, { enabled: false });
  });

  it('concurrent changes of one chat report each transition once', async () => {
    const chat = await chatOf('15550600003');
    const svc = outbox();
    const real = svc.enqueue.bind(svc);
    const kinds: string[] = [];
    vi.spyOn(svc, 'enqueue').mockImplementation(async (m, rows, ms) => {
      for (const r of rows) if ((r.payload as { chatId?: string }).chatId === chat.id) kinds.push((r.payload as { kind: string }).kind);
      return real(m, rows, ms);
    });
    const results = await Promise.all([
      call('PATCH', `/api/v1/chats/${chat.id}`, { status: 'resolved', assigneeId: owner.user.id }),
      call('PATCH', `/api/v1/chats/${chat.id}`, { status: 'resolved', assigneeId: owner.user.id }),
      call('POST', '/api/v1/chats/bulk', { chatIds: [chat.id], status: 'resolved', assigneeId: owner.user.id, addTags: ['late'] }),
      call('POST', '/api/v1/chats/bulk', { chatIds: [chat.id], addTags: ['late'] }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(kinds.sort()).toEqual(['chat_assigned', 'status_changed', 'tag_added']);
  });
});
