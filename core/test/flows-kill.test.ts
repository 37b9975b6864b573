/**
 * Durability against a crash: Parley runs as a real child process (`core/dist`, built by
 * `npm test`'s pretest), a WhatsApp customer starts a flow that asks a question, the process is
 * killed with SIGKILL while the run waits, a new process starts on the same database and data
 * folder, and the customer's answer resumes the run: the fake Graph API receives the reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeGraphApi, type FakeGraphApi } from '../../testing/fake-graph-api.js';
import { APP_SECRET, VERIFY_TOKEN, api, connectWhatsApp, createTestDatabase, eventually, postWhatsApp, signup, textWebhook, type TestDatabase, type TestParley } from './harness.js';
import { greeterFlow } from './flows-fixtures.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/core/src/main.js');

let graph: FakeGraphApi;
let db: TestDatabase;
let dataDir: string;
let port: number;
let child: ChildProcess | null = null;

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
    s.on('error', fail);
  });

/** Starts core/dist's main.js as a child on the shared database and waits for /health. */
async function startChild(): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--no-node-snapshot', MAIN], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, DATA_DIR: dataDir, META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: VERIFY_TOKEN, META_GRAPH_URL: graph.url, LOG_LEVEL: 'warn', TYPING_JITTER_MS: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await eventually(async () => (await fetch(`${url}/health`).catch(() => null))?.ok, 30_000, 100);
  return url;
}

function kill(): Promise<void> {
  const c = child!;
  child = null;
  return new Promise((ok) => {
    c.once('exit', () => ok());
    c.kill('SIGKILL');
  });
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  graph = await startFakeGraphApi();
  dataDir = mkdtempSync(join(tmpdir(), 'parley-kill-'));
  db = await createTestDatabase(dataDir);
  port = await freePort();
});
afterAll(async () => {
  if (child) await kill();
  await graph?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a flow run survives a killed process', () => {
  it('a run waiting for input resumes after SIGKILL and a fresh start', async () => {
    let url = await startChild();
    const owner = await signup(url);
    const phone = (await connectWhatsApp({ graph, url } as unknown as TestParley, owner.accessToken)).phoneNumberId;
    const call = (method: string, path: string, body?: unknown) => api(url, method, path, { token: owner.accessToken, body });
    const flowId = (await call('POST', '/api/v1/flows', { name: 'Greeter', draft: greeterFlow('hello') })).body.id;
    expect((await call('POST', `/api/v1/flows/${flowId}/publish`, {})).status).toBe(201);
    expect((await call('PATCH', `/api/v1/flows/${flowId}`, { enabled: true })).status).toBe(200);
    const sent = () => graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.type === 'text' && q.body?.to === '+15550170001').map((q) => q.body.text.body as string);

    expect((await postWhatsApp(url, textWebhook(phone, '15550170001', 'hello there', undefined, 'Kim'))).status).toBe(200);
    await eventually(() => sent().length === 1, 15_000);
    expect(sent()).toEqual(['Hi Kim! What is your name?']);

    await kill();
    url = await startChild();
    expect((await postWhatsApp(url, textWebhook(phone, '15550170001', 'Ana'))).status).toBe(200);
    await eventually(() => sent().length === 2, 15_000);
    expect(sent()[1]).toBe('Welcome back, Ana! You are our VIP.');
    const runs = (await api(url, 'GET', `/api/v1/flows/${flowId}/stats`, { token: owner.accessToken })).body;
    expect(runs).toMatchObject({ runs: 1, byStatus: { completed: 1 } });
  });
});
