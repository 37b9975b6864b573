/**
 * Automations: rules (trigger + conditions + actions) compiled to flows of kind `automation`,
 * run by the flow engine on inbox events and messages, with their execution log; CRUD,
 * validation with rule paths, enable/disable, tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown, token = owner.accessToken) => api(t.url, method, path, { token, body });
const texts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.to === `+${to}` && q.body?.type === 'text').map((q) => q.body.text.body as string);
const db = () => t.parley.app.get(Database);

async function chatOf(from: string): Promise<{ id: string; contactId: string }> {
  await postWhatsApp(t.url, textWebhook(phone, from, 'hello', undefined, 'Ana'));
  return eventually(async () => {
    const rows = await db().manager.query('SELECT c.id, c.contact_id FROM chats c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from]);
    return rows[0] ? { id: rows[0].id as string, contactId: rows[0].contact_id as string } : null;
  });
}

const vipRule = {
  name: 'VIP welcome',
  enabled: true,
  trigger: { type: 'trigger.tag_added', config: { tags: ['vip'] } },
  conditions: { operator: 'and', groups: [{ operator: 'and', rules: [{ value: '{{contact.name}}', op: 'not_equals', compare: 'Nobody' }] }] },
  actions: [
    { type: 'send.text', config: { text: 'Hi {{contact.name}}, you are VIP now.' } },
    { type: 'contact.update_field', config: { field: 'attribute', attribute: 'tier', value: 'vip' } },
    { type: 'contact.tag', config: { action: 'add', tags: ['welcomed'] } },
  ],
};

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('automations', () => {
  it('runs a rule on its trigger when the conditions hold, and logs every execution with its steps', async () => {
    const created = await call('POST', '/api/v1/automations', vipRule);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'VIP welcome', enabled: true, version: 1, trigger: vipRule.trigger, actions: vipRule.actions });
    const id = created.body.id;

    const customer = '15550600001';
    const chat = await chatOf(customer);
    expect((await call('PATCH', `/api/v1/chats/${chat.id}`, { tags: ['vip'] })).status).toBe(200);
    await eventually(() => texts(customer).length >= 1);
    expect(texts(customer)[0]).toBe('Hi Ana, you are VIP now.');
    await eventually(async () => (await call('GET', `/api/v1/chats/${chat.id}`)).body.tags.includes('welcomed'));
    expect((await call('GET', `/api/v1/contacts/${chat.contactId}`)).body.attributes).toEqual({ tier: 'vip' });

    // the conditions fail for this contact: the run ends after them, nothing is sent
    const other = '15550600002';
    const chat2 = await chatOf(other);
    await call('PATCH', `/api/v1/contacts/${chat2.contactId}`, { name: 'Nobody' });
    await call('POST', '/api/v1/chats/bulk', { chatIds: [chat2.id], addTags: ['vip'] });
    const log = await eventually(async () => {
      const r = await call('GET', `/api/v1/automations/${id}/log`);
      return r.body.data.length === 2 && r.body.data.every((x: { status: string }) => x.status === 'completed') ? r.body : null;
    });
    const [second, first] = log.data;
    expect(first).toMatchObject({ status: 'completed', chatId: chat.id, contactId: chat.contactId, error: null, event: { kind: 'tag_added', tags: ['vip'], chatId: chat.id } });
    expect(first.steps.map((s: { path: string; branch: string }) => [s.path, s.branch])).toEqual([
      ['trigger', 'out'], ['conditions', 'true'], ['actions[0]', 'out'], ['actions[1]', 'out'], ['actions[2]', 'out'],
    ]);
    expect(second.steps.map((s: { path: string; branch: string }) => [s.path, s.branch])).toEqual([['trigger', 'out'], ['conditions', 'false']]);
    expect(texts(other)).toEqual([]);

    // paging
    const p1 = await call('GET', `/api/v1/automations/${id}/log?limit=1`);
    expect(p1.body.data.map((x: { runId: string }) => x.runId)).toEqual([second.runId]);
    const p2 = await call('GET', `/api/v1/automations/${id}/log?limit=1&cursor=${p1.body.nextCursor}`);
    expect(p2.body.data.map((x: { runId: string }) => x.runId)).toEqual([first.runId]);
    expect(p2.body.nextCursor).toBeNull();

    // disabled: no run
    expect((await call('PATCH', `/api/v1/automations/${id}`, { enabled: false })).body.enabled).toBe(false);
    const chat3 = await chatOf('15550600003');
    await call('PATCH', `/api/v1/chats/${chat3.id}`, { tags: ['vip'] });
    await new Promise((r) => setTimeout(r, 400));
    expect((await call('GET', `/api/v1/automations/${id}/log`)).body.data).toHaveLength(2);
  });

  it('replaces rules (next version), reports failures in the log, and stays out of the flows list', async () => {
    const r = await call('POST', '/api/v1/automations', {
      name: 'Echo order',
      trigger: { type: 'trigger.regex', config: { pattern: 'order (\\d+)' } },
      actions: [{ type: 'send.text', config: { text: 'Order {{vars.match.1}} noted' } }],
    });
    expect(r.body).toMatchObject({ enabled: false, version: 1, conditions: null });
    const id = r.body.id;
    expect((await call('PATCH', `/api/v1/automations/${id}`, { enabled: true })).body.enabled).toBe(true);
    const customer = '15550600004';
    await postWhatsApp(t.url, textWebhook(phone, customer, 'order 77'));
    await eventually(() => texts(customer).length >= 1);
    expect(texts(customer)[0]).toBe('Order 77 noted');

    const put = await call('PUT', `/api/v1/automations/${id}`, {
      name: 'Echo order v2',
      trigger: { type: 'trigger.regex', config: { pattern: 'order (\\d+)' } },
      actions: [{ type: 'code.javascript', config: { code: 'throw new Error("boom")' } }, { type: 'send.text', config: { text: 'never' } }],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Echo order v2', enabled: true, version: 2 });
    await postWhatsApp(t.url, textWebhook(phone, customer, 'order 78'));
    const failed = await eventually(async () => (await call('GET', `/api/v1/automations/${id}/log`)).body.data.find((x: { status: string }) => x.status === 'failed'));
    expect(failed.error).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', path: 'actions[0]' });
    expect(failed.steps.at(-1)).toMatchObject({ path: 'actions[0]', type: 'code.javascript', outcome: 'error' });

    const flows = (await call('GET', '/api/v1/flows')).body.data.map((f: { id: string }) => f.id);
    expect(flows).not.toContain(id);
    const list = (await call('GET', '/api/v1/automations')).body.data.map((a: { id: string }) => a.id);
    expect(list).toContain(id);
    expect((await call('DELETE', `/api/v1/automations/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/automations/${id}`)).status).toBe(404);
    expect(Number((await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n)).toBe(0);
  });

  it('refuses invalid rules with their paths; another tenant sees nothing', async () => {
    const bad = await call('POST', '/api/v1/automations', {
      name: 'Bad',
      trigger: { type: 'send.text', config: { text: 'x' } },
      actions: [{ type: 'ask.question', config: { question: 'q', capture: 'text', variable: 'v' } }, { type: 'chat.handoff', config: {} }, { type: 'send.text', config: {} }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('FLOW_INVALID');
    expect(bad.body.error.details.errors).toEqual([
      { path: 'trigger', code: 'NOT_A_TRIGGER', message: 'send.text is not a trigger' },
      { path: 'actions[0]', code: 'NOT_AN_ACTION', message: 'ask.question cannot be an action (triggers, branches and nodes that wait for an answer are not allowed)' },
      { path: 'actions[1]', code: 'ACTION_AFTER_END', message: 'chat.handoff ends the run: it must be the last action' },
    ]);
    const cfg = await call('POST', '/api/v1/automations', { name: 'Cfg', trigger: { type: 'trigger.tag_added', config: {} }, actions: [{ type: 'send.text', config: {} }] });
    expect(cfg.status).toBe(422);
    expect(cfg.body.error.details.errors[0]).toMatchObject({ path: 'actions[0]', code: 'INVALID_CONFIG' });
    expect((await call('POST', '/api/v1/automations', { name: 'No actions', trigger: { type: 'trigger.tag_added', config: {} }, actions: [] })).status).toBe(400);

    const ok = await call('POST', '/api/v1/automations', { name: 'Mine', trigger: { type: 'trigger.chat_assigned', config: {} }, actions: [{ type: 'send.text', config: { text: 'hi' } }] });
    const other = await signup(t.url, 'Other');
    expect((await call('GET', `/api/v1/automations/${ok.body.id}`, undefined, other.accessToken)).status).toBe(404);
    expect((await call('GET', `/api/v1/automations/${ok.body.id}/log`, undefined, other.accessToken)).status).toBe(404);
    expect((await call('PATCH', `/api/v1/automations/${ok.body.id}`, { enabled: true }, other.accessToken)).status).toBe(404);
    expect((await call('GET', '/api/v1/automations', undefined, other.accessToken)).body.data).toEqual([]);
  });
});
