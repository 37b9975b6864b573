import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { FlowEngine } from '../src/flows/engine.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, greeterFlow, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: owner.accessToken, body });
const sentTexts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.type === 'text' && q.body?.to === `+${to}`).map((q) => q.body.text.body as string);
const db = () => t.parley.app.get(Database);

async function publishAndEnable(name: string, draft: unknown): Promise<string> {
  const id = (await call('POST', '/api/v1/flows', { name, draft })).body.id;
  expect((await call('POST', `/api/v1/flows/${id}/publish`, {})).status).toBe(201);
  expect((await call('PATCH', `/api/v1/flows/${id}`, { enabled: true })).body.enabled).toBe(true);
  return id;
}

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('flows end to end over WhatsApp', () => {
  let flowId: string;

  it('a keyword starts the flow, the bot asks, branches on the answer, and the Graph API receives its messages', async () => {
    flowId = await publishAndEnable('Greeter', greeterFlow('hello'));
    expect((await postWhatsApp(t.url, textWebhook(phone, '15550100001', 'Hello, anyone there?', undefined, 'Ana Lima'))).status).toBe(200);
    await eventually(() => sentTexts('15550100001').length === 1, 15_000);
    expect(sentTexts('15550100001')).toEqual(['Hi Ana Lima! What is your name?']);

    await postWhatsApp(t.url, textWebhook(phone, '15550100001', 'Ana'));
    await eventually(() => sentTexts('15550100001').length === 2, 15_000);
    expect(sentTexts('15550100001')[1]).toBe('Welcome back, Ana! You are our VIP.');

    const chat = (await call('GET', '/api/v1/chats?q=Ana%20Lima')).body.data[0];
    const msgs = (await call('GET', `/api/v1/chats/${chat.id}/messages`)).body.data;
    expect(msgs.filter((m: { senderType: string }) => m.senderType === 'bot').map((m: { status: string; direction: string }) => [m.direction, m.status])).toEqual([
      ['out', 'sent'],
      ['out', 'sent'],
    ]);
    const steps = await db().manager.query('SELECT node_id, outcome, branch FROM flow_steps WHERE flow_id = ? ORDER BY id', [flowId]);
    expect(steps.map((s: { node_id: string; outcome: string; branch: string | null }) => `${s.node_id}:${s.outcome}:${s.branch ?? ''}`)).toEqual([
      'trigger:ok:out', 'ask:waiting:', 'ask:ok:out', 'check:ok:true', 'vip:ok:out',
    ]);
    const runs = await db().manager.query('SELECT status, active_chat_key FROM flow_runs WHERE flow_id = ?', [flowId]);
    expect(runs).toEqual([{ status: 'completed', active_chat_key: null }]);
  });

  it('reports per-node stats over the execution log', async () => {
    const stats = (await call('GET', `/api/v1/flows/${flowId}/stats`)).body;
    expect(stats).toMatchObject({ runs: 1, byStatus: { completed: 1 }, completionRate: 1 });
    const ask = stats.nodes.find((x: { nodeId: string }) => x.nodeId === 'ask');
    expect(ask).toMatchObject({ entries: 1, exits: { out: 1 }, dropOffs: 0 });
    expect(ask.medianMs).toBeGreaterThan(0);
    expect(stats.nodes.find((x: { nodeId: string }) => x.nodeId === 'check').exits).toEqual({ true: 1 });
  });

  it('ignores messages without the keyword and answers the other branch', async () => {
    await postWhatsApp(t.url, textWebhook(phone, '15550100002', 'shell oil prices', undefined, 'Bruno'));
    await postWhatsApp(t.url, textWebhook(phone, '15550100002', 'well, HELLO!', undefined, 'Bruno'));
    await eventually(() => sentTexts('15550100002').length === 1, 15_000);
    await postWhatsApp(t.url, textWebhook(phone, '15550100002', 'Bruno'));
    await eventually(() => sentTexts('15550100002').length === 2, 15_000);
    expect(sentTexts('15550100002')).toEqual(['Hi Bruno! What is your name?', 'Nice to meet you, Bruno.']);
  });

  it('a run waiting for input resumes after a restart', async () => {
    await postWhatsApp(t.url, textWebhook(phone, '15550100003', 'hello', undefined, 'Cleo'));
    await eventually(() => sentTexts('15550100003').length === 1, 15_000);
    await eventually(async () => (await db().manager.query("SELECT id FROM flow_runs WHERE status = 'waiting'")).length === 1);
    await t.restart({ TYPING_JITTER_MS: '0' });
    await postWhatsApp(t.url, textWebhook(phone, '15550100003', 'Ana'));
    await eventually(() => sentTexts('15550100003').length === 2, 15_000);
    expect(sentTexts('15550100003')[1]).toBe('Welcome back, Ana! You are our VIP.');
  });

  it('hands off to a human: tags the chat, says so, and the bot stays quiet in that chat afterwards', async () => {
    await call('PATCH', `/api/v1/flows/${flowId}`, { enabled: false });
    await publishAndEnable('Triage', {
      nodes: [
        n('t', 'trigger.message'),
        n('tag', 'contact.tag', { action: 'add', tags: ['bot-triage', 'lead'] }),
        n('attr', 'contact.update_field', { field: 'attribute', attribute: 'source', value: 'bot {{message.text}}' }),
        n('handoff', 'chat.handoff', { message: 'Connecting you to a human, {{contact.name}}.' }),
      ],
      edges: [e('t', 'tag'), e('tag', 'attr'), e('attr', 'handoff')],
    });
    await postWhatsApp(t.url, textWebhook(phone, '15550100004', 'I need help', undefined, 'Dee'));
    await eventually(() => sentTexts('15550100004').length === 1, 15_000);
    expect(sentTexts('15550100004')).toEqual(['Connecting you to a human, Dee.']);
    const chat = (await call('GET', '/api/v1/chats?q=Dee')).body.data[0];
    expect(chat.tags).toEqual(['bot-triage', 'lead']);
    expect((await call('GET', `/api/v1/contacts/${chat.contactId}`)).body.attributes).toEqual({ source: 'bot I need help' });
    const runs = await db().manager.query("SELECT status FROM flow_runs WHERE chat_id = ? AND mode = 'live'", [chat.id]);
    expect(runs).toEqual([{ status: 'handed_off' }]);

    await postWhatsApp(t.url, textWebhook(phone, '15550100004', 'hello? still there?'));
    await t.parley.app.get(OutboxService).drain();
    await t.parley.app.get(FlowEngine).drain();
    expect(await db().manager.query("SELECT status FROM flow_runs WHERE chat_id = ? AND mode = 'live'", [chat.id])).toHaveLength(1);
    expect(sentTexts('15550100004')).toHaveLength(1);
  });
});
