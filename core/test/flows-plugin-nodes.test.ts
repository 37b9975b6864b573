/**
 * Plugin nodes inside the running app: the sample Sheets plugin's nodes execute in the sandbox
 * workers (not in the host) when a flow reaches them; their HTTP goes through the host, limited
 * to the manifest's `http:sheets.googleapis.com` (no network here, so the call fails and the
 * node takes its `error` output, or the run fails when that output is not connected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxService } from '../src/sandbox/sandbox.service.js';
import { api, signup, startTestParley, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
let token: string;
const call = (method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });

beforeAll(async () => {
  t = await startTestParley();
  token = (await signup(t.url)).accessToken;
});
afterAll(() => t?.close());

async function simulateFlow(draft: unknown, text: string) {
  const created = await call('POST', '/api/v1/flows', { name: 'Sheets', draft });
  expect(created.status).toBe(201);
  const r = await call('POST', `/api/v1/flows/${created.body.id}/simulate`, { text, contact: { name: 'Dee' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const sheetsConfig = { accessToken: 'ya29.token', spreadsheetId: 'sheet-1', range: 'Leads!A:C' };

describe('plugin nodes in flows', () => {
  it('sheets.lookup runs in the sandbox; its failed HTTP call takes the error branch', async () => {
    const pool = t.parley.app.get(SandboxService).pool;
    expect(pool.spawned).toBe(0);
    const body = await simulateFlow(
      {
        nodes: [
          n('t', 'trigger.keyword', { keywords: ['lead'] }),
          n('l', 'sheets.lookup', { ...sheetsConfig, column: 'phone', value: '{{message.text}}', variable: 'row' }),
          n('found', 'send.text', { text: 'found {{vars.row.name}}' }),
          n('missing', 'send.text', { text: 'no row' }),
          n('err', 'send.text', { text: 'lookup failed: {{vars.lastError.code}}' }),
        ],
        edges: [e('t', 'l'), e('l', 'found', 'found'), e('l', 'missing', 'not_found'), e('l', 'err', 'error')],
      },
      'lead',
    );
    expect(body).toMatchObject({ status: 'completed', transcript: [{ from: 'contact', text: 'lead' }, { from: 'bot', text: expect.stringMatching(/^lookup failed: (HTTP_FAILED|HTTP_TIMEOUT|SHEETS_AUTH)$/) }] });
    expect(body.vars.lastError.message).toMatch(/sheets\.googleapis\.com|Google Sheets/);
    // the node ran in a sandbox worker (nothing else in this flow uses the sandbox)
    expect(pool.spawned).toBeGreaterThanOrEqual(1);
  });

  it('without an error edge the run fails with the node\'s error', async () => {
    const body = await simulateFlow(
      {
        nodes: [n('t', 'trigger.keyword', { keywords: ['lead'] }), n('a', 'sheets.append_row', { ...sheetsConfig, values: ['{{contact.name}}'] }), n('ok', 'send.text', { text: 'saved' })],
        edges: [e('t', 'a'), e('a', 'ok')],
      },
      'lead',
    );
    expect(body).toMatchObject({ status: 'failed', error: expect.anything() });
    expect(JSON.stringify(body.error)).toMatch(/HTTP_FAILED|HTTP_TIMEOUT|SHEETS_AUTH/);
    expect(body.transcript.filter((x: { from: string }) => x.from === 'bot')).toEqual([]);
  });
});
