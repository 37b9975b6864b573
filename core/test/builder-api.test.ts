/**
 * What the flow builder (issue 5) added to the flows API: `publishedAt` on flows, `nodeId` (the
 * node the run stopped at) in simulation answers, `?from=&to=` on stats, draft revisions with
 * edit-conflict detection (409 DRAFT_CONFLICT), and the configurable draft size limit
 * (`FLOW_MAX_NODES`, 422 FLOW_TOO_LARGE). Runs on SQLite, and on MariaDB with TEST_MYSQL_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, greeterFlow, n } from './flows-fixtures.js';

/** A chain of `count` nodes: a keyword trigger, then replies. */
const chain = (count: number) => ({
  nodes: Array.from({ length: count }, (_, i) => (i === 0 ? n('t', 'trigger.keyword', { keywords: ['go'] }) : n(`r${i}`, 'send.text', { text: `Reply ${i}` }))),
  edges: Array.from({ length: count - 1 }, (_, i) => e(i === 0 ? 't' : `r${i}`, `r${i + 1}`)),
});

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: owner.accessToken, body });

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('flows API for the builder', () => {
  let id: string;

  it('tells when the running version was published', async () => {
    id = (await call('POST', '/api/v1/flows', { name: 'Greeter', draft: greeterFlow('hello') })).body.id;
    expect((await call('GET', `/api/v1/flows/${id}`)).body.publishedAt).toBeNull();
    const v1 = (await call('POST', `/api/v1/flows/${id}/publish`, { note: 'v1' })).body;
    const flow = (await call('GET', `/api/v1/flows/${id}`)).body;
    expect(flow.publishedAt).toBe(v1.createdAt);
    expect((await call('GET', '/api/v1/flows')).body.data.find((f: { id: string }) => f.id === id).publishedAt).toBe(v1.createdAt);
  });

  it('says which node a simulation stopped at', async () => {
    const first = (await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hello', contact: { name: 'Ana' } })).body;
    expect(first).toMatchObject({ status: 'waiting', nodeId: 'ask' });
    const second = (await call('POST', `/api/v1/flows/${id}/simulate`, { runId: first.runId, text: 'Ana' })).body;
    expect(second).toMatchObject({ status: 'completed', nodeId: 'vip' });
  });

  it('limits stats to runs that started in [from, to)', async () => {
    await call('PATCH', `/api/v1/flows/${id}`, { enabled: true });
    await postWhatsApp(t.url, textWebhook(phone, '15550100009', 'hello', undefined, 'Bia'));
    await eventually(async () => (await call('GET', `/api/v1/flows/${id}/stats`)).body.runs === 1, 15_000);
    const day = 86_400_000;
    const now = Date.now();
    const inRange = (await call('GET', `/api/v1/flows/${id}/stats?from=${new Date(now - 7 * day).toISOString()}&to=${new Date(now + day).toISOString()}`)).body;
    expect(inRange.runs).toBe(1);
    expect(inRange.nodes.find((n: { nodeId: string }) => n.nodeId === 'trigger').entries).toBe(1);
    const before = (await call('GET', `/api/v1/flows/${id}/stats?to=${new Date(now - day).toISOString().slice(0, 10)}`)).body;
    expect(before).toMatchObject({ runs: 0, nodes: [] });
    expect((await call('GET', `/api/v1/flows/${id}/stats?from=yesterday`)).status).toBe(400);
  });
});

describe('draft revisions: two editors of one draft do not overwrite each other', () => {
  let id: string;
  const save = (draft: unknown, revision?: number) => call('PUT', `/api/v1/flows/${id}/draft`, revision === undefined ? { draft } : { draft, revision });

  it('starts at revision 0 and counts each save; the answer carries the new revision', async () => {
    const created = (await call('POST', '/api/v1/flows', { name: 'Shared draft', draft: greeterFlow('shared') })).body;
    id = created.id;
    expect(created.draftRevision).toBe(0);
    expect((await call('GET', `/api/v1/flows/${id}`)).body.draftRevision).toBe(0);
    const first = await save(chain(3), 0);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ draftRevision: 1, draft: { nodes: [{ id: 't' }, { id: 'r1' }, { id: 'r2' }] } });
    expect((await save(chain(4), 1)).body.draftRevision).toBe(2);
    expect((await call('GET', '/api/v1/flows')).body.data.find((f: { id: string }) => f.id === id).draftRevision).toBe(2);
  });

  it('refuses a save based on an older revision with 409 DRAFT_CONFLICT and keeps the stored draft', async () => {
    const stale = await save(greeterFlow('from the other tab'), 1);
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({ error: { code: 'DRAFT_CONFLICT', message: expect.any(String), details: { flowId: id, revision: 2, yourRevision: 1 } } });
    const stored = (await call('GET', `/api/v1/flows/${id}`)).body;
    expect(stored.draftRevision).toBe(2);
    expect(stored.draft.nodes).toHaveLength(4);
    // overwriting on purpose: save again based on the stored revision
    const mine = (await save(greeterFlow('mine wins'), stored.draftRevision)).body;
    expect(mine.draftRevision).toBe(3);
    expect(mine.draft.nodes[0].config.keywords).toEqual(['mine wins']);
  });

  it('lets exactly one of two concurrent saves from the same revision through', async () => {
    const answers = await Promise.all([save(chain(5), 3), save(chain(6), 3)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!.body;
    const stored = (await call('GET', `/api/v1/flows/${id}`)).body;
    expect(stored).toMatchObject({ draftRevision: 4 });
    expect(stored.draft.nodes).toHaveLength(won.draft.nodes.length);
  });

  it('keeps the last save for clients that send no revision, and still counts it', async () => {
    expect((await save(chain(2))).body.draftRevision).toBe(5);
    expect((await save(chain(3))).body.draftRevision).toBe(6);
    expect((await save(chain(3), 5)).status).toBe(409);
  });

  it('checks the body: a revision must be a whole number ≥ 0; other tenants get 404', async () => {
    expect((await save(chain(2), -1)).status).toBe(400);
    expect((await save(chain(2), 1.5 as number)).status).toBe(400);
    const other = await signup(t.url, 'Other');
    const r = await api(t.url, 'PUT', `/api/v1/flows/${id}/draft`, { token: other.accessToken, body: { draft: chain(2), revision: 6 } });
    expect(r.status).toBe(404);
    expect((await call('GET', `/api/v1/flows/${id}`)).body.draftRevision).toBe(6);
  });
});

describe('draft size limit', () => {
  it('saves a 1,000-node draft by default and refuses 1,001 nodes with 422 FLOW_TOO_LARGE', async () => {
    const created = await call('POST', '/api/v1/flows', { name: 'Big', draft: chain(1000) });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await call('GET', `/api/v1/flows/${id}`)).body.draft.nodes).toHaveLength(1000);
    const tooBig = await call('PUT', `/api/v1/flows/${id}/draft`, { draft: chain(1001) });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error).toMatchObject({ code: 'FLOW_TOO_LARGE', details: { nodes: 1001, edges: 1000, maxNodes: 1000, maxEdges: 4000 } });
    expect((await call('POST', '/api/v1/flows', { name: 'Too big', draft: chain(1001) })).body.error.code).toBe('FLOW_TOO_LARGE');
    expect((await call('POST', '/api/v1/flows/import', { format: 'parley.flow', formatVersion: 1, name: 'Too big', draft: chain(1001) })).body.error.code).toBe('FLOW_TOO_LARGE');
    expect((await call('GET', `/api/v1/flows/${id}`)).body.draft.nodes).toHaveLength(1000);
  });

  it('follows FLOW_MAX_NODES', async () => {
    const small = await startTestParley({ FLOW_MAX_NODES: '3' });
    try {
      const o = await signup(small.url);
      const ok = await api(small.url, 'POST', '/api/v1/flows', { token: o.accessToken, body: { name: 'Three', draft: chain(3) } });
      expect(ok.status).toBe(201);
      const r = await api(small.url, 'PUT', `/api/v1/flows/${ok.body.id}/draft`, { token: o.accessToken, body: { draft: chain(4), revision: 0 } });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'FLOW_TOO_LARGE', details: { maxNodes: 3, nodes: 4 } });
    } finally {
      await small.close();
    }
  });
});
