/**
 * What the flow builder (issue 5) added to the flows API: `publishedAt` on flows, `nodeId` (the
 * node the run stopped at) in simulation answers, and `?from=&to=` on stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { greeterFlow } from './flows-fixtures.js';

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
