/**
 * Triggers beyond keywords: regular expressions (safe patterns only), chat assigned / status
 * changed / tag added / contact field changed (events published by the inbox API through the
 * outbox), API-started runs, and resuming the bot after a handoff. Messages reach the fake
 * Graph API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { FlowEngine } from '../src/flows/engine.js';
import { WebhooksController } from '../src/channels/webhooks.controller.js';
import { FLOWS_DOMAIN_EVENT, type FlowDomainEvent } from '../src/flows/domain-events.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown, token = owner.accessToken) => api(t.url, method, path, { token, body });
const texts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.to === `+${to}` && q.body?.type === 'text').map((q) => q.body.text.body as string);
const db = () => t.parley.app.get(Database);
const enabled: string[] = [];

async function flow(name: string, draft: unknown): Promise<string> {
  const r = await call('POST', '/api/v1/flows', { name, draft });
  expect(r.status).toBe(201);
  const pub = await call('POST', `/api/v1/flows/${r.body.id}/publish`, {});
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  expect((await call('PATCH', `/api/v1/flows/${r.body.id}`, { enabled: true })).status).toBe(200);
  enabled.push(r.body.id);
  return r.body.id;
}
async function disableAll() {
  for (const id of enabled.splice(0)) await call('PATCH', `/api/v1/flows/${id}`, { enabled: false });
}
/** A chat of customer `from` (created by an inbound text while no flow listens). */
async function chatOf(from: string): Promise<{ id: string; contactId: string }> {
  await postWhatsApp(t.url, textWebhook(phone, from, 'hi there', undefined, 'Lee'));
  return eventually(async () => {
    const rows = await db().manager.query('SELECT c.id, c.contact_id FROM chats c JOIN contacts k ON k.id = c.contact_id WHERE k.phone = ?', [from]);
    return rows[0] ? { id: rows[0].id as string, contactId: rows[0].contact_id as string } : null;
  });
}

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('trigger.regex', () => {
  it('starts on a matching text with the groups in vars; unsafe patterns are refused', async () => {
    const draft = {
      nodes: [n('t', 'trigger.regex', { pattern: 'order\\s*#?(?<num>\\d{3,8})', flags: 'i' }), n('s', 'send.text', { text: 'Looking up {{vars.matchGroups.num}} ({{vars.match.0}})' })],
      edges: [e('t', 's')],
    };
    const id = (await call('POST', '/api/v1/flows', { name: 'Regex', draft })).body.id;
    expect((await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'where is ORDER #12345?' })).body.transcript.at(-1).text).toBe('Looking up 12345 (ORDER #12345)');
    expect((await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'order 12' })).body.status).toBe('not_triggered');
    const check = async (pattern: string, flags?: string) =>
      (await call('POST', '/api/v1/flows/validate', { draft: { nodes: [n('t', 'trigger.regex', { pattern, ...(flags !== undefined ? { flags } : {}) }), n('s', 'send.text', { text: 'x' })], edges: [e('t', 's')] } })).body.errors;
    expect(await check('(a+)+$')).toEqual([{ nodeId: 't', code: 'INVALID_CONFIG', message: 'pattern: nested quantifiers (like (a+)+) can take exponential time; rewrite it' }]);
    expect(await check('(a)\\1')).toEqual([{ nodeId: 't', code: 'INVALID_CONFIG', message: 'pattern: backreferences are not allowed' }]);
    expect((await check('([a-z]'))[0].message).toMatch(/^pattern: Invalid regular expression/);
    expect((await check('x', 'ii'))[0].message).toBe('flags: only i, m, s and u, each once');
    expect(await check('^(yes|no)$', 'i')).toEqual([]);
  });
});

describe('chat and contact events', () => {
  it('assignment, status, tag and contact-field changes made in the inbox start their flows, also in assigned chats', async () => {
    await flow('On assign', {
      nodes: [n('t', 'trigger.chat_assigned'), n('s', 'send.text', { text: 'An agent will help you now ({{vars.event.kind}} by {{vars.event.actorId}}).' })],
      edges: [e('t', 's')],
    });
    await flow('On resolve', {
      nodes: [n('t', 'trigger.status_changed', { to: ['resolved'] }), n('s', 'send.text', { text: 'Resolved (was {{vars.event.from}}). Thanks!' })],
      edges: [e('t', 's')],
    });
    await flow('On vip', {
      nodes: [n('t', 'trigger.tag_added', { tags: ['VIP'] }), n('s', 'send.text', { text: 'Welcome to VIP: {{vars.event.tags}}' })],
      edges: [e('t', 's')],
    });
    await flow('On email', {
      nodes: [n('t', 'trigger.contact_field_changed', { fields: ['email', 'attributes.plan'] }), n('s', 'send.text', { text: 'Updated {{vars.event.fields}}: {{contact.email}}' })],
      edges: [e('t', 's')],
    });
    const customer = '15550500001';
    const chat = await chatOf(customer);
    expect((await call('PATCH', `/api/v1/chats/${chat.id}`, { assigneeId: owner.user.id })).status).toBe(200);
    await eventually(() => texts(customer).length >= 1);
    expect(texts(customer)[0]).toBe(`An agent will help you now (chat_assigned by ${owner.user.id}).`);

    // reassigning to the same user, or a status change to pending, starts nothing
    await call('PATCH', `/api/v1/chats/${chat.id}`, { assigneeId: owner.user.id, status: 'pending' });
    const bulk = await call('POST', '/api/v1/chats/bulk', { chatIds: [chat.id], status: 'resolved', addTags: ['vip'] });
    expect(bulk.status).toBe(200);
    await eventually(() => texts(customer).length >= 3);
    expect(texts(customer).slice(1).sort()).toEqual(['Resolved (was pending). Thanks!', 'Welcome to VIP: ["vip"]']);

    expect((await call('PATCH', `/api/v1/contacts/${chat.contactId}`, { name: 'Lee Park' })).status).toBe(200); // not a watched field
    expect((await call('PATCH', `/api/v1/contacts/${chat.contactId}`, { email: 'lee@example.test' })).status).toBe(200);
    await eventually(() => texts(customer).length >= 4);
    expect(texts(customer)[3]).toBe('Updated ["email"]: lee@example.test');
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(customer)).toHaveLength(4);
    const runs = await db().manager.query("SELECT status FROM flow_runs WHERE chat_id = ? AND mode = 'live'", [chat.id]);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    await disableAll();
  });

  it('the first agent reply to an unassigned chat assigns it and starts chat_assigned flows once', async () => {
    const id = await flow('On reply-assign', {
      nodes: [n('t', 'trigger.chat_assigned'), n('s', 'send.text', { text: 'Assigned by reply to {{vars.event.assigneeId}}' })],
      edges: [e('t', 's')],
    });
    const customer = '15550500009';
    const chat = await chatOf(customer);
    expect((await call('POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'Hi, I am on it' })).status).toBe(202);
    await eventually(() => texts(customer).some((x) => x.startsWith('Assigned by reply')));
    expect(texts(customer)).toContain(`Assigned by reply to ${owner.user.id}`);
    // a second reply (the chat already has its assignee) starts nothing
    expect((await call('POST', `/api/v1/chats/${chat.id}/messages`, { type: 'text', text: 'Still here' })).status).toBe(202);
    await eventually(() => texts(customer).includes('Still here'));
    expect(Number((await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n)).toBe(1);
    await disableAll();
  });

  it('a redelivered event starts no second run; an event of another tenant starts nothing here', async () => {
    const id = await flow('Tag once', { nodes: [n('t', 'trigger.tag_added'), n('s', 'send.text', { text: 'tagged' })], edges: [e('t', 's')] });
    const chat = await chatOf('15550500002');
    const ev: FlowDomainEvent = { id: '0196a1c2-0000-7000-8000-000000000001', kind: 'tag_added', tenantId: owner.tenant.id, actorId: null, at: Date.now(), chatId: chat.id, channelId: (await db().manager.query('SELECT channel_id FROM chats WHERE id = ?', [chat.id]))[0].channel_id, contactId: chat.contactId, tags: ['x'] };
    const engine = t.parley.app.get(FlowEngine);
    expect(await engine.domainEvent(ev)).toBe(1);
    expect(await engine.domainEvent(ev)).toBe(0);
    expect(await engine.domainEvent({ ...ev, id: '0196a1c2-0000-7000-8000-000000000002', tenantId: 'another-tenant' })).toBe(0);
    expect(Number((await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n)).toBe(1);

    // an event row left in the outbox (e.g. the process died before handling it) is delivered by the sweeper
    const left = { ...ev, id: '0196a1c2-0000-7000-8000-000000000003' };
    await db().transaction((m) =>
      m.query('INSERT INTO outbox (id, tenant_id, topic, payload, attempts, available_at, created_at) VALUES (?,?,?,?,?,?,?)', ['0196a1c2-0000-7000-8000-0000000000aa', owner.tenant.id, FLOWS_DOMAIN_EVENT, JSON.stringify(left), 0, Date.now() - 1, Date.now() - 60_000]),
    );
    expect(await t.parley.app.get(OutboxService).sweep()).toBeGreaterThanOrEqual(1);
    await eventually(async () => Number((await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n) === 2);
    await disableAll();
  });
});

describe('trigger.api', () => {
  it('POST /flows/:id/runs starts a run in a chat, a contact\'s chat or without a contact; clear refusals', async () => {
    const id = await flow('Api', {
      nodes: [n('t', 'trigger.api'), n('s', 'send.text', { text: 'Your code is {{vars.code}}' }), n('q', 'ask.question', { question: 'Got it?', capture: 'text', variable: 'ok' })],
      edges: [e('t', 's'), e('s', 'q')],
    });
    const customer = '15550500003';
    const chat = await chatOf(customer);
    const r = await call('POST', `/api/v1/flows/${id}/runs`, { chatId: chat.id, vars: { code: 'X-42' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'waiting', chatId: chat.id });
    await eventually(() => texts(customer).length >= 2);
    expect(texts(customer)).toEqual(['Your code is X-42', 'Got it?']);
    // the chat's bot slot is taken by that waiting run
    const busy = await call('POST', `/api/v1/flows/${id}/runs`, { contactId: chat.contactId });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'FLOW_RUN_ACTIVE' } });
    const none = await call('POST', `/api/v1/flows/${id}/runs`, { vars: { code: 'n/a' } });
    expect(none.status).toBe(201);
    expect(none.body.chatId).toBeNull();

    expect((await call('POST', `/api/v1/flows/${id}/runs`, { chatId: 'no-such-chat' })).status).toBe(404);
    expect((await call('POST', `/api/v1/flows/${id}/runs`, { chatId: chat.id, contactId: chat.contactId })).status).toBe(400);
    const other = await signup(t.url, 'Other');
    expect((await call('POST', `/api/v1/flows/${id}/runs`, {}, other.accessToken)).status).toBe(404);
    const plain = (await call('POST', '/api/v1/flows', { name: 'No api', draft: { nodes: [n('t', 'trigger.message'), n('s', 'send.text', { text: 'x' })], edges: [e('t', 's')] } })).body.id;
    expect((await call('POST', `/api/v1/flows/${plain}/runs`, {})).body.error.code).toBe('FLOW_NOT_PUBLISHED');
    await flow('No api trigger', { nodes: [n('t', 'trigger.keyword', { keywords: ['zzz'] }), n('s', 'send.text', { text: 'x' })], edges: [e('t', 's')] }).then(async (fid) => {
      const res = await call('POST', `/api/v1/flows/${fid}/runs`, {});
      expect(res.status).toBe(409);
      expect(res.body.error.details.reason).toBe('NO_API_TRIGGER');
    });
    await disableAll();
  });
});

describe('resuming the bot after a handoff', () => {
  it('a handed-off chat ignores messages until POST /chats/:id/bot/resume', async () => {
    await flow('Handoff', {
      nodes: [n('t', 'trigger.keyword', { keywords: ['human', 'bot'] }), n('h', 'chat.handoff', { message: 'A human will answer.' })],
      edges: [e('t', 'h')],
    });
    const customer = '15550500004';
    const chat = await chatOf(customer);
    await postWhatsApp(t.url, textWebhook(phone, customer, 'human please'));
    await eventually(() => texts(customer).length >= 1);
    const paused = await call('GET', `/api/v1/chats/${chat.id}/bot`);
    expect(paused.body).toMatchObject({ chatId: chat.id, paused: true, pausedReason: 'handoff', assigneeId: null, answering: false, activeRun: null });
    await postWhatsApp(t.url, textWebhook(phone, customer, 'bot again?'));
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(customer)).toHaveLength(1);
    const resumed = await call('POST', `/api/v1/chats/${chat.id}/bot/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, answering: true });
    await postWhatsApp(t.url, textWebhook(phone, customer, 'bot again'));
    await eventually(() => texts(customer).length >= 2);
    const other = await signup(t.url, 'Other');
    expect((await call('POST', `/api/v1/chats/${chat.id}/bot/resume`, undefined, other.accessToken)).status).toBe(404);
    expect((await call('GET', `/api/v1/chats/${chat.id}/bot`, undefined, other.accessToken)).status).toBe(404);
    await disableAll();
  });
});

describe('flow webhooks route', () => {
  it('the channels\' POST /webhooks/:type/:channelId hands type "flows" to the flow webhook (module order does not matter)', async () => {
    const secret = 'a-long-enough-secret-1234';
    const id = await flow('Hook', { nodes: [n('t', 'trigger.webhook', { secret }), n('v', 'data.set_variable', { variable: 'got', value: '{{vars.body.x}}' })], edges: [e('t', 'v')] });
    const ctl = t.parley.app.get(WebhooksController);
    let status = 0;
    let sent: any = null;
    const res = { status: (s: number) => ((status = s), res), json: (b: unknown) => ((sent = b), res) } as any;
    const req = { method: 'POST', headers: { 'x-parley-flow-secret': secret }, query: {}, body: Buffer.from('{"x":"42"}') } as any;
    await ctl.channel('flows', id, req, res);
    expect(status).toBe(202);
    expect(sent).toMatchObject({ status: 'completed' });
    const vars = JSON.parse((await db().manager.query('SELECT vars_json FROM flow_runs WHERE id = ?', [sent.runId]))[0].vars_json);
    expect(vars.got).toBe('42');
    await expect(ctl.channel('flows', id, { ...req, headers: {} }, res)).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    await disableAll();
  });
});
