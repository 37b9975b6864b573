/**
 * The Sheets client against a local fake of the Google Sheets API v4 (`values:append` and
 * `values/{range}` GET with a bearer token).
 */
import type { NodeHttpRequest, NodeHttpResponse } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SHEETS_TOKEN as TOKEN, startFakeSheets, type FakeSheets } from '../test/fake-sheets-api.js';
import plugin, { findRow, sheetsClient } from './index.js';

let fake: FakeSheets;
let base: string;
let calls: FakeSheets['calls'];

/** Minimal fetch-based HTTP function (in Parley the host's ctx.http does this). */
const http = async (req: NodeHttpRequest): Promise<NodeHttpResponse> => {
  const res = await fetch(req.url, { method: req.method, headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  fake = await startFakeSheets();
  base = fake.base;
  calls = fake.calls;
});
afterAll(() => fake.close());

describe('sheets client', () => {
  it('appends a row with values:append and reads it back with values/{range}', async () => {
    const c = sheetsClient(http, TOKEN, base);
    expect(await c.appendRow('sheet-1', 'Leads!A:C', ['Cy', '15550003', 'trial'])).toEqual({ updatedRange: 'Leads!A4:C4', updatedRows: 1 });
    expect(calls.at(-1)).toEqual({
      method: 'POST', url: '/v4/spreadsheets/sheet-1/values/Leads!A%3AC:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS', auth: `Bearer ${TOKEN}`,
      body: { values: [['Cy', '15550003', 'trial']] },
    });
    const rows = await c.readRange('sheet-1', 'Leads!A:C');
    expect(rows.at(-1)).toEqual(['Cy', '15550003', 'trial']);
    expect(calls.at(-1)).toMatchObject({ method: 'GET', url: '/v4/spreadsheets/sheet-1/values/Leads!A%3AC' });
  });

  it('maps API errors to typed codes', async () => {
    await expect(sheetsClient(http, 'bad', base).readRange('sheet-1', 'A:C')).rejects.toMatchObject({ code: 'SHEETS_AUTH', status: 401 });
    await expect(sheetsClient(http, TOKEN, base).readRange('nope', 'A:C')).rejects.toMatchObject({ code: 'SHEETS_NOT_FOUND' });
  });

  it('finds rows by header name, letter or index', () => {
    const rows = [['Name', 'Phone'], ['Ana', '1'], ['Bo', '2']];
    expect(findRow(rows, 'phone', ' 2 ', true)).toEqual({ Name: 'Bo', Phone: '2' });
    expect(findRow(rows, 'B', '1', false)).toEqual(['Ana', '1']);
    expect(findRow(rows, '0', 'bo', false)).toEqual(['Bo', '2']);
    expect(findRow(rows, 'email', 'x', true)).toBeNull();
  });
});

// The nodes themselves run in Parley's sandbox: core/src/plugins/sheets-sandbox.spec.ts runs them
// there against this fake.
describe('sheets plugin', () => {
  it('the plugin registers both nodes through the host', async () => {
    const registered: string[] = [];
    await plugin.setup({ pluginId: 'sheets', logger: { debug() {}, info() {}, warn() {}, error() {} }, setting: () => undefined, registerChannel() {}, registerNode: (n) => void registered.push(n.type) });
    expect(registered).toEqual(['sheets.append_row', 'sheets.lookup']);
  });
});
