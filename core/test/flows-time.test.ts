/**
 * Time in flows (agenda jobs in Parley's database): `time.delay` (also across a restart),
 * `ask.question` timeouts, `trigger.schedule` (cron and one-off; contact-less runs and runs for
 * open chats), and simulations that do not wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

const ENV = { TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0', JOBS_PROCESS_EVERY_MS: '200' };
let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
let channelId: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: owner.accessToken, body });
const sentTexts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.type === 'text' && q.body?.to === `+${to}`).map((q) => q.body.text.body as string);
const db = () => t.parley.app.get(Database);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timerJobs = async (runId?: string) =>
  (await db().manager.query(`SELECT id FROM jobs WHERE name = 'flow.timer'${runId ? ' AND job_key = ?' : ''}`, runId ? [`run:${runId}`] : [])).length;

async function publishAndEnable(name: string, draft: unknown): Promise<string> {
  const id = (await call('POST', '/api/v1/flows', { name, draft })).body.id;
  const pub = await call('POST', `/api/v1/flows/${id}/publish`, {});
  expect(pub.status, JSON.stringify(pub.body)).toBe(201);
  expect((await call('PATCH', `/api/v1/flows/${id}`, { enabled: true })).body.enabled).toBe(true);
  return id;
}
const disable = (id: string) => call('PATCH', `/api/v1/flows/${id}`, { enabled: false });

beforeAll(async () => {
  t = await startTestParley(ENV);
  owner = await signup(t.url);
  const ch = await connectWhatsApp(t, owner.accessToken);
  phone = ch.phoneNumberId;
  channelId = (await call('GET', '/api/v1/channels')).body.data[0].id;
});
afterAll(async () => {
  await t?.close();
});

describe('time.delay', () => {
  it('waits, ignores messages meanwhile, then continues; the timer job is gone afterwards', async () => {
    const id = await publishAndEnable('Delay', {
      nodes: [n('t', 'trigger.keyword', { keywords: ['delay'] }), n('a', 'send.text', { text: 'One moment…' }), n('d', 'time.delay', { amount: 1.5, unit: 'seconds' }), n('b', 'send.text', { text: 'Done waiting.' })],
      edges: [e('t', 'a'), e('a', 'd'), e('d', 'b')],
    });
    const started = Date.now();
    await postWhatsApp(t.url, textWebhook(phone, '15550200001', 'delay please', undefined, 'Dora'));
    await eventually(() => sentTexts('15550200001').length === 1, 10_000);
    const run = (await db().manager.query('SELECT id, status, state_json FROM flow_runs WHERE flow_id = ?', [id]))[0];
    expect(run.status).toBe('waiting');
    expect(JSON.parse(run.state_json).__wait).toBe('time');
    expect(await timerJobs(run.id)).toBe(1);
    await postWhatsApp(t.url, textWebhook(phone, '15550200001', 'hello? delay?'));
    await eventually(() => sentTexts('15550200001').length === 2, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(sentTexts('15550200001')).toEqual(['One moment…', 'Done waiting.']);
    expect((await db().manager.query('SELECT status FROM flow_runs WHERE id = ?', [run.id]))[0].status).toBe('completed');
    await eventually(async () => (await timerJobs(run.id)) === 0, 5000);
    await disable(id);
  });

  it('a waiting delay survives a restart', async () => {
    const id = await publishAndEnable('Delay restart', {
      nodes: [n('t', 'trigger.keyword', { keywords: ['later'] }), n('d', 'time.delay', { amount: 2, unit: 'seconds' }), n('b', 'send.text', { text: 'Still here after the restart.' })],
      edges: [e('t', 'd'), e('d', 'b')],
    });
    await postWhatsApp(t.url, textWebhook(phone, '15550200002', 'later', undefined, 'Eli'));
    await eventually(async () => (await db().manager.query("SELECT id FROM flow_runs WHERE flow_id = ? AND status = 'waiting'", [id])).length === 1);
    await t.restart(ENV);
    await eventually(() => sentTexts('15550200002').length === 1, 15_000);
    expect(sentTexts('15550200002')).toEqual(['Still here after the restart.']);
    await disable(id);
  });

  it('simulations do not wait', async () => {
    const id = (
      await call('POST', '/api/v1/flows', {
        name: 'Sim delay',
        draft: {
          nodes: [n('t', 'trigger.message'), n('d', 'time.delay', { amount: 3, unit: 'days' }), n('b', 'send.text', { text: 'three days later' })],
          edges: [e('t', 'd'), e('d', 'b')],
        },
      })
    ).body.id;
    const sim = await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hi' });
    expect(sim.body).toMatchObject({ status: 'completed', transcript: [{ from: 'contact', text: 'hi' }, { from: 'bot', text: 'three days later' }] });
  });

  it('publish refuses a delay above 365 days', async () => {
    const r = await call('POST', '/api/v1/flows/validate', {
      draft: { nodes: [n('t', 'trigger.message'), n('d', 'time.delay', { amount: 400, unit: 'days' })], edges: [e('t', 'd')] },
    });
    expect(r.body.errors).toEqual([{ nodeId: 'd', code: 'INVALID_CONFIG', message: 'amount: at most 365 days' }]);
  });
});

describe('ask.question timeout', () => {
  it('takes the timeout branch when nobody answers, and the normal one (timer cancelled) when they do', async () => {
    const id = await publishAndEnable('Timeout', {
      nodes: [
        n('t', 'trigger.keyword', { keywords: ['quiz'] }),
        n('q', 'ask.question', { question: 'Your email?', capture: 'email', variable: 'email', timeoutSeconds: 1 }),
        n('ok', 'send.text', { text: 'Thanks, {{vars.email}}.' }),
        n('late', 'send.text', { text: 'No answer, bye.' }),
      ],
      edges: [e('t', 'q'), e('q', 'ok'), e('q', 'late', 'timeout')],
    });
    await postWhatsApp(t.url, textWebhook(phone, '15550200003', 'quiz', undefined, 'Fay'));
    await postWhatsApp(t.url, textWebhook(phone, '15550200004', 'quiz', undefined, 'Gus'));
    await eventually(() => sentTexts('15550200004').length === 1, 10_000);
    await postWhatsApp(t.url, textWebhook(phone, '15550200004', 'GUS@example.com'));
    await eventually(() => sentTexts('15550200003').length === 2 && sentTexts('15550200004').length === 2, 10_000);
    expect(sentTexts('15550200003')).toEqual(['Your email?', 'No answer, bye.']);
    expect(sentTexts('15550200004')).toEqual(['Your email?', 'Thanks, gus@example.com.']);
    const steps = await db().manager.query("SELECT branch FROM flow_steps WHERE flow_id = ? AND node_id = 'q' AND branch IS NOT NULL ORDER BY branch", [id]);
    expect(steps.map((s: { branch: string }) => s.branch)).toEqual(['out', 'timeout']);
    expect(await timerJobs()).toBe(0);
    await sleep(1200); // the answered run's timer was deleted with its step: nothing more is sent
    expect(sentTexts('15550200004')).toHaveLength(2);
    await disable(id);
  });
});

describe('trigger.schedule', () => {
  it('refuses invalid cron expressions and time zones', async () => {
    const r = await call('POST', '/api/v1/flows/validate', {
      draft: { nodes: [n('s', 'trigger.schedule', { cron: 'every now and then', timezone: 'Mars/Olympus', target: 'none' })], edges: [] },
    });
    expect(r.body.errors.map((x: { message: string }) => x.message.split(':')[0])).toEqual(['timezone', 'cron']);
  });

  it('a cron schedule starts contact-less runs until the flow is disabled', async () => {
    const id = await publishAndEnable('Every second', {
      nodes: [n('s', 'trigger.schedule', { cron: '* * * * * *', target: 'none' }), n('v', 'data.set_variable', { variable: 'ran', value: 'yes' })],
      edges: [e('s', 'v')],
    });
    expect((await db().manager.query("SELECT job_key, repeat_interval FROM jobs WHERE name = 'flow.schedule'"))).toEqual([{ job_key: `schedule:${id}:s`, repeat_interval: '* * * * * *' }]);
    await eventually(async () => (await db().manager.query("SELECT id FROM flow_runs WHERE flow_id = ? AND status = 'completed'", [id])).length >= 2, 10_000);
    const run = (await db().manager.query('SELECT chat_id, vars_json FROM flow_runs WHERE flow_id = ? LIMIT 1', [id]))[0];
    expect(run.chat_id).toBeNull();
    expect(JSON.parse(run.vars_json)).toEqual({ ran: 'yes' });
    await disable(id);
    expect(await db().manager.query("SELECT id FROM jobs WHERE name = 'flow.schedule'")).toEqual([]);
    const count = (await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n;
    await sleep(1500);
    expect((await db().manager.query('SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ?', [id]))[0].n).toBe(count);
  });

  it('a one-off date starts a run in every open, unassigned chat with the tags', async () => {
    for (const [from, name] of [['15550200010', 'Hal'], ['15550200011', 'Ida'], ['15550200012', 'Jon']]) await postWhatsApp(t.url, textWebhook(phone, from, 'hi there', undefined, name));
    const chats = async () => (await call('GET', '/api/v1/chats?limit=100')).body.data as { id: string; contact: { name: string } }[];
    await eventually(async () => ['Hal', 'Ida', 'Jon'].every(async (nm) => (await chats()).some((c) => c.contact?.name === nm)));
    const byName = async (nm: string) => (await chats()).find((c) => c.contact?.name === nm)!;
    await eventually(async () => !!(await byName('Jon')));
    for (const nm of ['Hal', 'Ida']) expect((await call('PATCH', `/api/v1/chats/${(await byName(nm)).id}`, { tags: ['promo'] })).status).toBe(200);
    await call('PATCH', `/api/v1/chats/${(await byName('Ida')).id}`, { assigneeId: owner.user.id });
    const at = new Date(Date.now() + 1500).toISOString();
    const id = await publishAndEnable('Promo', {
      nodes: [n('s', 'trigger.schedule', { at, target: 'open_chats', tags: ['promo'], channelIds: [channelId] }), n('m', 'send.text', { text: 'Our promo for you, {{contact.name}}!' })],
      edges: [e('s', 'm')],
    });
    await eventually(() => sentTexts('15550200010').length === 1, 10_000);
    expect(sentTexts('15550200010')).toEqual(['Our promo for you, Hal!']);
    await sleep(500);
    expect(sentTexts('15550200011')).toEqual([]); // assigned to a human
    expect(sentTexts('15550200012')).toEqual([]); // no promo tag
    expect(await db().manager.query("SELECT id FROM jobs WHERE name = 'flow.schedule'")).toEqual([]); // one-off, done
    await disable(id);
  });
});
