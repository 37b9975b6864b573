import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestParley, type TestParley } from './harness.js';
import { e, greeterFlow, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let agentToken: string;
const call = (method: string, path: string, body?: unknown, token = owner.accessToken) => api(t.url, method, path, { token, body });

beforeAll(async () => {
  t = await startTestParley();
  owner = await signup(t.url);
  const email = `agent-${owner.tenant.id}@x.test`;
  await call('POST', '/api/v1/users', { name: 'Agent', email, password: 'agent password', role: 'agent' });
  agentToken = (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'agent password' } })).body.accessToken;
});
afterAll(async () => {
  await t?.close();
});

describe('flow node types', () => {
  it('lists typed descriptors with JSON-Schema configs and named outputs', async () => {
    const r = await call('GET', '/api/v1/flow-node-types', undefined, agentToken);
    expect(r.status).toBe(200);
    const types = r.body.data.map((d: { type: string }) => d.type);
    expect(types).toEqual(expect.arrayContaining(['trigger.message', 'trigger.keyword', 'trigger.new_chat', 'send.text', 'ask.question', 'logic.condition', 'data.set_variable', 'contact.tag', 'chat.handoff', 'code.javascript', 'flow.end']));
    const cond = r.body.data.find((d: { type: string }) => d.type === 'logic.condition');
    expect(cond).toMatchObject({ version: 1, label: 'Condition', category: 'logic', outputs: ['true', 'false'], configSchema: { type: 'object' } });
    expect(typeof cond.description).toBe('string');
  });
});

describe('flows API', () => {
  it('creates (disabled), lists, gets, saves drafts, validates, publishes, versions, rolls back, enables, exports, imports, deletes', async () => {
    const created = await call('POST', '/api/v1/flows', { name: 'Greeter', draft: greeterFlow() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Greeter', enabled: false, publishedVersion: null, latestVersion: 0 });
    expect(created.body.draft.nodes).toHaveLength(5);
    const id = created.body.id;

    expect((await call('GET', '/api/v1/flows')).body.data.map((f: { id: string }) => f.id)).toContain(id);
    expect((await call('GET', `/api/v1/flows/${id}`, undefined, agentToken)).body.id).toBe(id);

    // enabling before publishing is refused
    expect((await call('PATCH', `/api/v1/flows/${id}`, { enabled: true })).body.error.code).toBe('FLOW_NOT_PUBLISHED');

    const v1 = await call('POST', `/api/v1/flows/${id}/publish`, { note: 'first' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, note: 'first', active: true });

    const changed = greeterFlow('hi');
    expect((await call('PUT', `/api/v1/flows/${id}/draft`, { draft: changed })).body.draft.nodes[0].config.keywords).toEqual(['hi']);
    expect((await call('POST', `/api/v1/flows/${id}/publish`, {})).body.version).toBe(2);
    const versions = await call('GET', `/api/v1/flows/${id}/versions`);
    expect(versions.body.data.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([[2, true], [1, false]]);
    expect((await call('GET', `/api/v1/flows/${id}/versions/1`)).body.graph.nodes[0].config.keywords).toEqual(['hello']);

    const rolled = await call('POST', `/api/v1/flows/${id}/rollback`, { version: 1 });
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ publishedVersion: 1, latestVersion: 2 });
    expect((await call('POST', `/api/v1/flows/${id}/rollback`, { version: 9 })).status).toBe(404);

    const enabled = await call('PATCH', `/api/v1/flows/${id}`, { enabled: true, name: 'Greeter bot' });
    expect(enabled.body).toMatchObject({ enabled: true, name: 'Greeter bot' });

    const exported = await call('GET', `/api/v1/flows/${id}/export`);
    expect(exported.body).toMatchObject({ format: 'parley.flow', formatVersion: 1, name: 'Greeter bot' });
    const imported = await call('POST', '/api/v1/flows/import', exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ name: 'Greeter bot', enabled: false, draft: exported.body.draft });
    expect((await call('POST', '/api/v1/flows/import', { format: 'other', name: 'x', draft: { nodes: [], edges: [] } })).status).toBe(400);

    expect((await call('DELETE', `/api/v1/flows/${imported.body.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/flows/${imported.body.id}`)).status).toBe(404);
  });

  it('saves an invalid draft but refuses to publish it (422 with per-node errors)', async () => {
    const draft = { nodes: [n('t', 'trigger.keyword', { keywords: [] }), n('c', 'logic.condition', { operator: 'and', groups: [] }), n('x', 'nope.thing')], edges: [e('t', 'c')] };
    const created = await call('POST', '/api/v1/flows', { name: 'Broken', draft });
    expect(created.status).toBe(201);
    const v = await call('POST', '/api/v1/flows/validate', { draft });
    expect(v.status).toBe(200);
    expect(v.body.valid).toBe(false);
    const codes = v.body.errors.map((x: { nodeId: string; code: string }) => `${x.nodeId}:${x.code}`);
    expect(codes).toEqual(expect.arrayContaining(['t:INVALID_CONFIG', 'c:INVALID_CONFIG', 'c:MISSING_BRANCH', 'x:UNKNOWN_NODE_TYPE', 'x:UNREACHABLE_NODE']));
    const pub = await call('POST', `/api/v1/flows/${created.body.id}/publish`, {});
    expect(pub.status).toBe(422);
    expect(pub.body.error.code).toBe('FLOW_INVALID');
    expect(pub.body.error.details.errors).toEqual(v.body.errors);
    expect((await call('POST', '/api/v1/flows/validate', { draft: greeterFlow() })).body).toEqual({ valid: true, errors: [] });
    expect((await call('POST', '/api/v1/flows', { name: 'x', draft: { nodes: 'no' } })).status).toBe(400);
  });

  it('agents read but cannot change flows; other tenants get 404', async () => {
    const id = (await call('POST', '/api/v1/flows', { name: 'Private', draft: greeterFlow() })).body.id;
    expect((await call('POST', '/api/v1/flows', { name: 'x', draft: greeterFlow() }, agentToken)).status).toBe(403);
    expect((await call('PUT', `/api/v1/flows/${id}/draft`, { draft: greeterFlow() }, agentToken)).status).toBe(403);
    expect((await call('POST', `/api/v1/flows/${id}/publish`, {}, agentToken)).status).toBe(403);
    expect((await call('DELETE', `/api/v1/flows/${id}`, undefined, agentToken)).status).toBe(403);
    const other = await signup(t.url, 'Other');
    for (const [method, path] of [['GET', ''], ['PUT', '/draft'], ['PATCH', ''], ['POST', '/publish'], ['GET', '/versions'], ['POST', '/simulate'], ['DELETE', '']] as const) {
      const body = path === '/draft' ? { draft: greeterFlow() } : path === '/simulate' ? { text: 'hello' } : method === 'PATCH' ? { name: 'mine' } : method === 'POST' ? {} : undefined;
      const r = await call(method, `/api/v1/flows/${id}${path}`, body, other.accessToken);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await call('GET', '/api/v1/flows', undefined, other.accessToken)).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/flows')).status).toBe(200);
  });
});

describe('simulate', () => {
  it('honours the trigger, asks, branches, and continues with {runId, text}; nothing is sent', async () => {
    const id = (await call('POST', '/api/v1/flows', { name: 'Sim', draft: greeterFlow() })).body.id;
    const miss = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'good morning' });
    expect(miss.body).toMatchObject({ runId: null, status: 'not_triggered' });

    const start = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'HELLO there', contact: { name: 'Bea' } });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ status: 'waiting', transcript: [{ from: 'contact', text: 'HELLO there' }, { from: 'bot', type: 'text', text: 'Hi Bea! What is your name?' }] });
    const next = await call('POST', `/api/v1/flows/${id}/simulate`, { runId: start.body.runId, text: 'Ana' });
    expect(next.body).toMatchObject({ runId: start.body.runId, status: 'completed', vars: { name: 'Ana' } });
    expect(next.body.transcript.at(-1)).toEqual({ from: 'bot', type: 'text', text: 'Welcome back, Ana! You are our VIP.' });
    expect((await call('POST', `/api/v1/flows/${id}/simulate`, { runId: start.body.runId, text: 'again' })).body.error.code).toBe('FLOW_RUN_NOT_WAITING');

    const other = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hello' });
    expect((await call('POST', `/api/v1/flows/${id}/simulate`, { runId: other.body.runId, text: 'Bruno' })).body.transcript.at(-1).text).toBe('Nice to meet you, Bruno.');
    expect(t.graph.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('re-prompts invalid answers, then takes the invalid branch', async () => {
    const draft = {
      nodes: [
        n('t', 'trigger.message'),
        n('ask', 'ask.question', { question: 'Your email?', capture: 'email', variable: 'email', retries: 1 }),
        n('ok', 'send.text', { text: 'Thanks, {{vars.email}}' }),
        n('bad', 'send.text', { text: 'Never mind.' }),
      ],
      edges: [e('t', 'ask'), e('ask', 'ok'), e('ask', 'bad', 'invalid')],
    };
    const id = (await call('POST', '/api/v1/flows', { name: 'Email', draft })).body.id;
    const s = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hi' });
    const r1 = await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s.body.runId, text: 'not an email' });
    expect(r1.body).toMatchObject({ status: 'waiting' });
    expect(r1.body.transcript.at(-1).text).toBe("Sorry, I didn't get that. Your email?");
    const r2 = await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s.body.runId, text: 'still not' });
    expect(r2.body).toMatchObject({ status: 'completed' });
    expect(r2.body.transcript.at(-1).text).toBe('Never mind.');
    const s2 = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hi' });
    const ok = await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s2.body.runId, text: ' Ana@Example.com ' });
    expect(ok.body.transcript.at(-1).text).toBe('Thanks, ana@example.com');
  });

  it('runs code nodes and expressions in the sandbox; failures take the error branch or fail the run', async () => {
    const draft = {
      nodes: [
        n('t', 'trigger.message'),
        n('code', 'code.javascript', { code: 'return { shout: message.text.toUpperCase(), n: (vars.n ?? 0) + 1, who: contact.name }', resultVariable: 'r' }),
        n('expr', 'data.set_variable', { variable: 'double', expression: 'vars.r.n * 2' }),
        n('say', 'send.text', { text: '{{vars.r.shout}} {{vars.double}} {{vars.r.who}}' }),
        n('boom', 'code.javascript', { code: 'while (true) {}' }),
        n('caught', 'send.text', { text: 'caught {{vars.lastError.code}}' }),
        n('escape', 'code.javascript', { code: 'return process.exit(1)' }),
      ],
      edges: [e('t', 'code'), e('code', 'expr'), e('expr', 'say'), e('say', 'boom'), e('boom', 'caught', 'error'), e('caught', 'escape')],
    };
    const id = (await call('POST', '/api/v1/flows', { name: 'Code', draft })).body.id;
    const r = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hey', contact: { name: 'Cy' } });
    expect(r.body.transcript.slice(1).map((l: { text: string }) => l.text)).toEqual(['HEY 2 Cy', 'caught SANDBOX_TIMEOUT']);
    expect(r.body.status).toBe('failed');
    expect(r.body.error).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', nodeId: 'escape' });
    expect(r.body.error.message).toContain('process is not defined');
    expect((await api(t.url, 'GET', '/health')).status).toBe(200);
  });

  it('updates contact fields (seen by later nodes and kept across a wait) and splits A/B', async () => {
    const draft = {
      nodes: [
        n('t', 'trigger.message'),
        n('ask', 'ask.question', { question: 'Name?', capture: 'text', variable: 'name' }),
        n('set', 'contact.update_field', { field: 'name', value: '{{vars.name}}' }),
        n('attr', 'contact.update_field', { field: 'attribute', attribute: 'plan', value: 'pro' }),
        n('ab', 'logic.ab_split', { percentA: 100 }),
        n('a', 'send.text', { text: 'A: {{contact.name}} on {{contact.attributes.plan}}' }),
        n('b', 'send.text', { text: 'B' }),
      ],
      edges: [e('t', 'ask'), e('ask', 'set'), e('set', 'attr'), e('attr', 'ab'), e('ab', 'a', 'a'), e('ab', 'b', 'b')],
    };
    const id = (await call('POST', '/api/v1/flows', { name: 'Fields', draft })).body.id;
    const s = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hi', contact: { name: 'Old' } });
    const r = await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s.body.runId, text: 'Dora' });
    expect(r.body.transcript.at(-1).text).toBe('A: Dora on pro');
  });

  it('refuses to simulate an invalid draft', async () => {
    const id = (await call('POST', '/api/v1/flows', { name: 'Bad', draft: { nodes: [n('a', 'send.text', { text: 'x' })], edges: [] } })).body.id;
    const r = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'x' });
    expect(r.status).toBe(422);
    expect(r.body.error.details.errors[0]).toMatchObject({ nodeId: null, code: 'NO_TRIGGER' });
  });
});
