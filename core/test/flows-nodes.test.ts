/**
 * Built-in nodes beyond text and questions: media, templates, buttons/lists (live over the fake
 * Graph API and simulated), switch, business hours, chat assignment (round-robin, least busy),
 * HTTP requests (local server; blocked loopback), go to flow, and webhook triggers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
let server: Server;
let port: number;
const hits: { method: string; url: string; auth?: string; body: string }[] = [];
const call = (method: string, path: string, body?: unknown, p: TestParley = t, token = owner.accessToken) => api(p.url, method, path, { token, body });
const graphBodies = (to: string) => t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.to === `+${to}` && q.body?.type).map((q) => q.body);
const db = () => t.parley.app.get(Database);

async function createFlow(name: string, draft: unknown, p: TestParley = t, token = owner.accessToken): Promise<string> {
  const r = await call('POST', '/api/v1/flows', { name, draft }, p, token);
  expect(r.status).toBe(201);
  return r.body.id;
}
async function publishAndEnable(name: string, draft: unknown): Promise<string> {
  const id = await createFlow(name, draft);
  const pub = await call('POST', `/api/v1/flows/${id}/publish`, {});
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  expect((await call('PATCH', `/api/v1/flows/${id}`, { enabled: true })).body.enabled).toBe(true);
  return id;
}
const simulate = async (id: string, body: unknown, p: TestParley = t, token = owner.accessToken) => (await call('POST', `/api/v1/flows/${id}/simulate`, body, p, token)).body;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      if (req.url?.startsWith('/fail')) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ order: { id: 'ord-7', status: 'shipped' }, got: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  t = await startTestParley({ TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('rich messages', () => {
  it('send.media, send.template and send.buttons reach the Graph API; a button reply is captured and switched on', async () => {
    const id = await publishAndEnable('Rich', {
      nodes: [
        n('t', 'trigger.keyword', { keywords: ['menu'] }),
        n('img', 'send.media', { mediaType: 'image', url: 'https://cdn.example.com/{{vars.none}}menu.png', caption: 'Menu for {{contact.name}}' }),
        n('tpl', 'send.template', { name: 'order_update', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: '{{contact.name}}' }] }] }),
        n('ask', 'send.buttons', { text: 'Pizza or pasta?', kind: 'buttons', options: [{ id: 'pizza', title: 'Pizza' }, { id: 'pasta', title: 'Pasta' }], variable: 'dish' }),
        n('sw', 'logic.switch', { value: '{{vars.dish}}', cases: [{ compare: 'pizza' }, { op: 'equals', compare: 'pasta' }] }),
        n('p1', 'send.text', { text: 'Pizza it is.' }),
        n('p2', 'send.text', { text: 'Pasta it is.' }),
        n('list', 'send.buttons', { text: 'Pick a size', kind: 'list', buttonText: 'Sizes', options: [{ id: 's', title: 'Small' }, { id: 'l', title: 'Large', description: 'Huge' }] }),
      ],
      edges: [e('t', 'img'), e('img', 'tpl'), e('tpl', 'ask'), e('ask', 'sw'), e('sw', 'p1', 'case_1'), e('sw', 'p2', 'case_2'), e('p2', 'list')],
    });
    await postWhatsApp(t.url, textWebhook(phone, '15550300001', 'menu please', undefined, 'Kim'));
    await eventually(() => graphBodies('15550300001').length === 3, 10_000);
    const [img, tpl, buttons] = graphBodies('15550300001');
    expect(img).toMatchObject({ type: 'image', image: { link: 'https://cdn.example.com/menu.png', caption: 'Menu for Kim' } });
    expect(tpl).toMatchObject({ type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Kim' }] }] } });
    expect(buttons).toMatchObject({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pizza or pasta?' } } });
    expect(buttons.interactive.action.buttons.map((b: { reply: { id: string } }) => b.reply.id)).toEqual(['pizza', 'pasta']);
    await postWhatsApp(t.url, textWebhook(phone, '15550300001', 'pasta'));
    await eventually(() => graphBodies('15550300001').length === 5, 10_000);
    expect(graphBodies('15550300001')[3]).toMatchObject({ type: 'text', text: { body: 'Pasta it is.' } });
    expect(graphBodies('15550300001')[4]).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { button: 'Sizes' } } });
    const vars = JSON.parse((await db().manager.query('SELECT vars_json FROM flow_runs WHERE flow_id = ?', [id]))[0].vars_json);
    expect(vars).toEqual({ dish: 'pasta' });
    await call('PATCH', `/api/v1/flows/${id}`, { enabled: false });
  });

  it('simulates rich messages in the transcript; invalid media URLs take error; validation checks buttons', async () => {
    const id = await createFlow('Sim rich', {
      nodes: [
        n('t', 'trigger.message'),
        n('doc', 'send.media', { mediaType: 'document', url: 'https://x.test/a.pdf', filename: 'a.pdf' }),
        n('b', 'send.buttons', { text: 'Sure?', kind: 'buttons', options: [{ id: 'y', title: 'Yes' }, { id: 'n', title: 'No' }], variable: 'ok', retries: 0 }),
        n('bad', 'send.media', { mediaType: 'image', url: '{{vars.ok}}' }),
        n('oops', 'send.text', { text: 'bad url: {{vars.lastError.code}}' }),
        n('inv', 'send.text', { text: 'invalid: {{vars.ok}}' }),
      ],
      edges: [e('t', 'doc'), e('doc', 'b'), e('b', 'bad'), e('bad', 'oops', 'error'), e('b', 'inv', 'invalid')],
    });
    const s1 = await simulate(id, { text: 'hi' });
    expect(s1.transcript.slice(1)).toEqual([
      { from: 'bot', type: 'document', text: 'https://x.test/a.pdf' },
      { from: 'bot', type: 'interactive', text: 'Sure? [Yes | No]' },
    ]);
    const s2 = await simulate(id, { runId: s1.runId, text: 'y' });
    expect(s2.transcript.at(-1)).toEqual({ from: 'bot', type: 'text', text: 'bad url: INVALID_URL' });
    const s3 = await simulate(id, { runId: (await simulate(id, { text: 'again' })).runId, text: 'perhaps' });
    expect(s3.transcript.at(-1)).toEqual({ from: 'bot', type: 'text', text: 'invalid: perhaps' });
    const v = await call('POST', '/api/v1/flows/validate', {
      draft: { nodes: [n('t', 'trigger.message'), n('b', 'send.buttons', { text: 'x', kind: 'buttons', options: [1, 2, 3, 4].map((i) => ({ id: `o${i}`, title: `O${i}` })) })], edges: [e('t', 'b')] },
    });
    expect(v.body.errors).toEqual([{ nodeId: 'b', code: 'INVALID_CONFIG', message: 'options: reply buttons allow at most 3 options (use kind "list")' }]);
  });
});

describe('logic', () => {
  it('logic.switch takes the first matching case or default; logic.business_hours branches on the time zone and weekly hours', async () => {
    const always = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '24:00' }]]));
    const id = await createFlow('Switch', {
      nodes: [
        n('t', 'trigger.message'),
        n('sw', 'logic.switch', { value: '{{message.text}}', cases: [{ op: 'gt', compare: '100' }, { op: 'contains', compare: 'help' }] }),
        n('big', 'send.text', { text: 'big number' }),
        n('help', 'send.text', { text: 'helping' }),
        n('open', 'logic.business_hours', { timezone: 'Asia/Tokyo', hours: always }),
        n('closed', 'logic.business_hours', { timezone: 'Asia/Tokyo', hours: {} }),
        n('o1', 'send.text', { text: 'we are open' }),
        n('c1', 'send.text', { text: 'never here' }),
        n('c2', 'send.text', { text: 'closed now' }),
      ],
      edges: [
        e('t', 'sw'), e('sw', 'big', 'case_1'), e('sw', 'help', 'case_2'), e('sw', 'open', 'default'), e('open', 'o1', 'open'), e('open', 'c1', 'closed'),
        e('o1', 'closed'), e('closed', 'c1', 'open'), e('closed', 'c2', 'closed'),
      ],
    });
    const texts = async (text: string) => (await simulate(id, { text })).transcript.slice(1).map((l: { text: string }) => l.text);
    expect(await texts('250')).toEqual(['big number']);
    expect(await texts('I need HELP')).toEqual(['helping']);
    expect(await texts('hello')).toEqual(['we are open', 'closed now']);
  });

  it('flow.goto continues in another published flow with the variables; an unpublished target takes error', async () => {
    const target = await createFlow('Target', { nodes: [n('t', 'trigger.message'), n('s', 'send.text', { text: 'In target, x={{vars.x}}' })], edges: [e('t', 's')] });
    const unpublished = await createFlow('Unpublished', { nodes: [n('t', 'trigger.message')], edges: [] });
    expect((await call('POST', `/api/v1/flows/${target}/publish`, {})).status).toBe(201);
    const id = await createFlow('Source', {
      nodes: [n('t', 'trigger.message'), n('v', 'data.set_variable', { variable: 'x', value: '42' }), n('g', 'flow.goto', { flowId: target })],
      edges: [e('t', 'v'), e('v', 'g')],
    });
    expect(await simulate(id, { text: 'go' })).toMatchObject({ status: 'completed', transcript: [{ text: 'go' }, { text: 'In target, x=42' }] });
    const bad = await createFlow('Bad goto', {
      nodes: [n('t', 'trigger.message'), n('g', 'flow.goto', { flowId: unpublished }), n('s', 'send.text', { text: 'fallback: {{vars.lastError.code}}' })],
      edges: [e('t', 'g'), e('g', 's', 'error')],
    });
    expect((await simulate(bad, { text: 'go' })).transcript.at(-1).text).toBe('fallback: FLOW_NOT_FOUND');
  });
});

describe('chat.assign', () => {
  it('assigns round-robin among the agents, then least busy, and the bot leaves assigned chats to humans', async () => {
    const agents: string[] = [];
    for (const i of [1, 2]) {
      const r = await call('POST', '/api/v1/users', { name: `Agent ${i}`, email: `agent${i}-${Date.now()}@example.test`, password: 'correct horse battery', role: 'agent' });
      expect(r.status).toBe(201);
      agents.push(r.body.id);
    }
    const flow = await publishAndEnable('Assign', {
      nodes: [n('t', 'trigger.keyword', { keywords: ['agent'] }), n('a', 'chat.assign', { strategy: 'round_robin', message: 'Connecting you.' }), n('after', 'send.text', { text: 'An agent will answer.' })],
      edges: [e('t', 'a'), e('a', 'after')],
    });
    const froms = ['15550300011', '15550300012', '15550300013'];
    for (const f of froms) {
      await postWhatsApp(t.url, textWebhook(phone, f, 'agent please', undefined, `P${f.slice(-2)}`));
      await eventually(() => graphBodies(f).length === 2, 10_000);
    }
    const assignees = async () => {
      const chats = (await call('GET', '/api/v1/chats?limit=100')).body.data as { assigneeId: string | null; contact: { name: string } }[];
      return froms.map((f) => chats.find((c) => c.contact?.name === `P${f.slice(-2)}`)?.assigneeId);
    };
    const sorted = [...agents].sort();
    expect(await assignees()).toEqual([sorted[0], sorted[1], sorted[0]]);
    // humans win: a new message in an assigned chat starts nothing
    await postWhatsApp(t.url, textWebhook(phone, froms[0], 'agent again?'));
    await new Promise((r) => setTimeout(r, 500));
    expect(graphBodies(froms[0])).toHaveLength(2);

    await call('PATCH', `/api/v1/flows/${flow}`, { enabled: false });
    await publishAndEnable('Least busy', {
      nodes: [n('t', 'trigger.keyword', { keywords: ['busy'] }), n('a', 'chat.assign', { strategy: 'least_busy', userIds: agents })],
      edges: [e('t', 'a')],
    });
    await postWhatsApp(t.url, textWebhook(phone, '15550300014', 'busy?', undefined, 'P14'));
    await eventually(async () => {
      const chats = (await call('GET', '/api/v1/chats?limit=100')).body.data as { assigneeId: string | null; contact: { name: string } }[];
      return chats.find((c) => c.contact?.name === 'P14')?.assigneeId === sorted[1]; // sorted[0] has 2 open chats, sorted[1] has 1
    }, 10_000);
  });
});

describe('http.request', () => {
  const draft = (url: string) => ({
    nodes: [
      n('t', 'trigger.message'),
      n('h', 'http.request', {
        method: 'POST', url, headers: { Authorization: 'Bearer {{vars.token}}' }, json: { text: '{{message.text}}', n: 1 }, map: { orderStatus: 'body.order.status', code: 'status' },
      }),
      n('ok', 'send.text', { text: 'Order {{vars.response.body.order.id}} is {{vars.orderStatus}} ({{vars.code}})' }),
      n('err', 'send.text', { text: 'Failed: {{vars.lastError.code}}' }),
    ],
    edges: [e('t', 'h'), e('h', 'ok'), e('h', 'err', 'error')],
  });

  it('blocks loopback URLs by default (the request never leaves)', async () => {
    const before = hits.length;
    const id = await createFlow('HTTP blocked', draft(`http://127.0.0.1:${port}/orders`));
    expect((await simulate(id, { text: 'where is my order' })).transcript.at(-1).text).toBe('Failed: HTTP_BLOCKED');
    expect(hits.length).toBe(before);
  });

  it('calls a local server when private addresses are allowed: body with variables, response mapped; non-2xx takes error', async () => {
    const other = await startTestParley({ FLOW_HTTP_ALLOW_PRIVATE: '1', FLOW_HTTP_ALLOW_HOSTS: '127.0.0.1' });
    try {
      const o = await signup(other.url);
      const id = await createFlow('HTTP ok', draft(`http://127.0.0.1:${port}/orders?q={{message.text}}`), other, o.accessToken);
      const sim = await simulate(id, { text: 'status' }, other, o.accessToken);
      expect(sim.transcript.at(-1).text).toBe('Order ord-7 is shipped (200)');
      expect(hits.at(-1)).toMatchObject({ method: 'POST', url: '/orders?q=status', auth: 'Bearer', body: JSON.stringify({ text: 'status', n: 1 }) });
      const failing = await createFlow('HTTP 503', draft(`http://127.0.0.1:${port}/fail`), other, o.accessToken);
      const s2 = await simulate(failing, { text: 'x' }, other, o.accessToken);
      expect(s2.transcript.at(-1).text).toBe('Failed: HTTP_STATUS');
      expect(s2.vars.response).toEqual({ status: 503, headers: expect.any(Object), body: { error: 'down' } });
      const offList = await createFlow('HTTP off list', draft(`http://localhost:${port}/orders`), other, o.accessToken);
      expect((await simulate(offList, { text: 'x' }, other, o.accessToken)).transcript.at(-1).text).toBe('Failed: HTTP_BLOCKED');
    } finally {
      await other.close();
    }
  });
});

describe('plugin nodes', () => {
  it('the sample Sheets plugin adds its nodes to the node types', async () => {
    const types = (await call('GET', '/api/v1/flow-node-types')).body.data as { type: string; outputs: string[] }[];
    expect(types.find((x) => x.type === 'sheets.lookup')?.outputs).toEqual(['found', 'not_found', 'error']);
    expect(types.some((x) => x.type === 'sheets.append_row')).toBe(true);
  });
});

describe('trigger.webhook', () => {
  it('POST /webhooks/flows/:id with the secret starts a run with the JSON body in vars.body', async () => {
    const secret = 'wh-secret-0123456789abcdef';
    const id = await publishAndEnable('Hook', {
      nodes: [n('w', 'trigger.webhook', { secret }), n('v', 'data.set_variable', { variable: 'greeting', value: 'order {{vars.body.order.id}} for {{vars.body.name}}' })],
      edges: [e('w', 'v')],
    });
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const ok = await post(`/webhooks/flows/${id}`, JSON.stringify({ name: 'Lia', order: { id: 9 } }), { 'x-parley-flow-secret': secret });
    expect(ok, JSON.stringify(ok.body)).toMatchObject({ status: 202, body: { status: "completed" } });
    const run = (await db().manager.query('SELECT vars_json, chat_id FROM flow_runs WHERE id = ?', [ok.body.runId]))[0];
    expect(JSON.parse(run.vars_json)).toEqual({ body: { name: 'Lia', order: { id: 9 } }, greeting: 'order 9 for Lia' });
    expect(run.chat_id).toBeNull();
    expect((await post(`/webhooks/flows/${id}?secret=${secret}`, '')).status).toBe(202);
    expect(await post(`/webhooks/flows/${id}`, '{}', { 'x-parley-flow-secret': 'wrong-secret-0123456789' })).toMatchObject({ status: 401, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
    expect((await post(`/webhooks/flows/${id}`, 'not json', { 'x-parley-flow-secret': secret })).status).toBe(400);
    expect((await post('/webhooks/flows/00000000-0000-7000-8000-000000000000', '{}', { 'x-parley-flow-secret': secret })).status).toBe(404);
    await call('PATCH', `/api/v1/flows/${id}`, { enabled: false });
    expect((await post(`/webhooks/flows/${id}`, '{}', { 'x-parley-flow-secret': secret })).status).toBe(404);
  });
});
