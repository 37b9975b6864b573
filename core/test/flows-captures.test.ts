/**
 * ask.question captures beyond text: date, choice, image, location and contact answers arrive
 * as signed WhatsApp webhooks (Cloud API fixtures), are validated, re-prompted when wrong, and
 * stored in the run's variables; the bot's prompts reach the fake Graph API.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../testing/fixtures.js';
import { Database } from '../src/database/database.service.js';
import { api, connectWhatsApp, eventually, postWhatsApp, retarget, signup, startTestParley, textWebhook, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
let owner: Awaited<ReturnType<typeof signup>>;
let phone: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token: owner.accessToken, body });
const texts = (to: string) =>
  t.graph.requests.filter((q) => q.path === `/v24.0/${phone}/messages` && q.body?.to === `+${to}` && q.body?.type === 'text').map((q) => q.body.text.body as string);

/** A WhatsApp webhook fixture re-addressed to our number, sent by `from`, with a fresh message id. */
function fixtureFrom(file: string, from: string) {
  const body = retarget(readFixtureJson('whatsapp', file), phone);
  const value = body.entry[0].changes[0].value;
  value.contacts = [{ profile: { name: 'Rui' }, wa_id: from }];
  for (const m of value.messages) Object.assign(m, { from, id: `wamid.${randomBytes(12).toString('hex')}`, timestamp: String(Math.floor(Date.now() / 1000)) });
  return body;
}

beforeAll(async () => {
  t = await startTestParley({ TYPING_JITTER_MS: '0', TYPING_MS_PER_CHAR: '0' });
  owner = await signup(t.url);
  phone = (await connectWhatsApp(t, owner.accessToken)).phoneNumberId;
});
afterAll(async () => {
  await t?.close();
});

describe('ask.question captures', () => {
  it('captures a date, a choice, an image, a location and a contact card, re-prompting invalid answers', async () => {
    const r = await call('POST', '/api/v1/flows', {
      name: 'Captures',
      draft: {
        nodes: [
          n('t', 'trigger.keyword', { keywords: ['book'] }),
          n('date', 'ask.question', { question: 'Which day?', capture: 'date', variable: 'day' }),
          n('choice', 'ask.question', { question: 'Which room?', capture: 'choice', variable: 'room', options: [{ title: 'Single', value: 'S' }, { title: 'Double room', value: 'D' }] }),
          n('img', 'ask.question', { question: 'Send a photo of your ID', capture: 'image', variable: 'id_photo', retryPrompt: 'A photo please' }),
          n('loc', 'ask.question', { question: 'Where are you?', capture: 'location', variable: 'where' }),
          n('card', 'ask.question', { question: 'Who else comes?', capture: 'contact', variable: 'guest', retries: 0 }),
          n('done', 'send.text', { text: '{{vars.day}} {{vars.room}} {{vars.id_photo.mimeType}} {{vars.where.name}} {{vars.guest.name}} {{vars.guest.phones}}' }),
          n('nope', 'send.text', { text: 'no guest card: {{message.text}}' }),
        ],
        edges: [e('t', 'date'), e('date', 'choice'), e('choice', 'img'), e('img', 'loc'), e('loc', 'card'), e('card', 'done'), e('card', 'nope', 'invalid')],
      },
    });
    expect(r.status).toBe(201);
    const id = r.body.id;
    expect((await call('POST', `/api/v1/flows/${id}/publish`, {})).status).toBe(201);
    await call('PATCH', `/api/v1/flows/${id}`, { enabled: true });

    const customer = '15550400001';
    const say = async (body: unknown, count: number) => {
      expect((await postWhatsApp(t.url, body)).status).toBe(200);
      await eventually(() => texts(customer).length >= count, 10_000);
    };
    await say(textWebhook(phone, customer, 'I want to book'), 1);
    await say(textWebhook(phone, customer, 'whenever'), 2);
    expect(texts(customer)[1]).toBe("Sorry, I didn't get that. Which day?");
    await say(textWebhook(phone, customer, '24/12/2030'), 3);
    expect(texts(customer)[2]).toBe('Which room?\n1. Single\n2. Double room');
    await say(textWebhook(phone, customer, 'DOUBLE ROOM'), 4);
    expect(texts(customer)[3]).toBe('Send a photo of your ID');
    await say(fixtureFrom('webhook_location__meta_docs.json', customer), 5);
    expect(texts(customer)[4]).toBe('A photo please');
    await say(fixtureFrom('webhook_image__meta_docs.json', customer), 6);
    expect(texts(customer)[5]).toBe('Where are you?');
    await say(fixtureFrom('webhook_location__meta_docs.json', customer), 7);
    await say(fixtureFrom('webhook_contacts__meta_docs.json', customer), 8);
    expect(texts(customer)[7]).toBe('2030-12-24 D image/jpeg Philz Coffee Barbara J. Johnson ["+1 (415) 555-0829"]');

    const run = (await t.parley.app.get(Database).manager.query('SELECT vars_json, status FROM flow_runs WHERE flow_id = ?', [id]))[0];
    expect(run.status).toBe('completed');
    const vars = JSON.parse(run.vars_json);
    expect(vars.id_photo).toMatchObject({ providerMediaId: '1003383421387256', mimeType: 'image/jpeg', caption: 'Taj Mahal' });
    const msg = (await t.parley.app.get(Database).manager.query('SELECT id FROM messages WHERE id = ?', [vars.id_photo.messageId]))[0];
    expect(msg?.id).toBe(vars.id_photo.messageId);
    expect(vars.where).toEqual({ latitude: 37.44221496582, longitude: -122.16165924072, name: 'Philz Coffee', address: '101 Forest Ave, Palo Alto, CA 94301', url: 'https://philzcoffee.com/' });
    expect(vars.guest).toEqual({ name: 'Barbara J. Johnson', phones: ['+1 (415) 555-0829'], emails: [] });

    // a text instead of a contact card with retries 0 takes `invalid`
    const other = '15550400002';
    for (const [i, text] of ['book', '2030-01-02', '1'].entries()) {
      await postWhatsApp(t.url, textWebhook(phone, other, text));
      await eventually(() => texts(other).length >= i + 1, 10_000);
    }
    await postWhatsApp(t.url, fixtureFrom('webhook_image__meta_docs.json', other));
    await eventually(() => texts(other).length >= 4, 10_000);
    await postWhatsApp(t.url, fixtureFrom('webhook_location__meta_docs.json', other));
    await eventually(() => texts(other).length >= 5, 10_000);
    await postWhatsApp(t.url, textWebhook(phone, other, 'just me'));
    await eventually(() => texts(other).length >= 6, 10_000);
    expect(texts(other)[5]).toBe('no guest card: just me');
  });

  it('simulates date and choice captures; publish refuses a choice without options', async () => {
    const draft = {
      nodes: [
        n('t', 'trigger.message'),
        n('q', 'ask.question', { question: 'Pick', capture: 'choice', variable: 'c', options: [{ title: 'Yes' }, { title: 'No' }], listOptions: false }),
        n('d', 'ask.question', { question: 'When?', capture: 'date', variable: 'd', dateOrder: 'MDY' }),
        n('s', 'send.text', { text: '{{vars.c}} {{vars.d}}' }),
      ],
      edges: [e('t', 'q'), e('q', 'd'), e('d', 's')],
    };
    const id = (await call('POST', '/api/v1/flows', { name: 'Sim captures', draft })).body.id;
    const s1 = (await call('POST', `/api/v1/flows/${id}/simulate`, { text: 'hi' })).body;
    expect(s1.transcript.at(-1)).toEqual({ from: 'bot', type: 'text', text: 'Pick' });
    await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s1.runId, text: 'no' });
    const s3 = (await call('POST', `/api/v1/flows/${id}/simulate`, { runId: s1.runId, text: '03/04/2031' })).body;
    expect(s3.status).toBe('completed');
    expect(s3.transcript.at(-1).text).toBe('No 2031-03-04');
    const bad = await call('POST', '/api/v1/flows/validate', { draft: { nodes: [n('t', 'trigger.message'), n('q', 'ask.question', { question: 'x', capture: 'choice', variable: 'c' })], edges: [e('t', 'q')] } });
    expect(bad.body.errors).toEqual([{ nodeId: 'q', code: 'INVALID_CONFIG', message: 'options: a choice needs at least one option' }]);
  });
});
