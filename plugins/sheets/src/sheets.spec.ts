/**
 * The Sheets client and nodes against a local fake of the Google Sheets API v4
 * (`values:append` and `values/{range}` GET with a bearer token).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NodeContext, NodeHttpRequest, NodeHttpResponse } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { findRow, sheetsClient, sheetsNodes } from './index.js';

const TOKEN = 'ya29.test-token';
let server: Server;
let base: string;
const sheets = new Map<string, string[][]>([['sheet-1', [['name', 'phone', 'plan'], ['Ana', '15550001', 'gold'], ['Bo', '15550002', 'free']]]]);
const calls: { method: string; url: string; auth?: string; body?: any }[] = [];

/** Minimal fetch-based HTTP function (in Parley the host's ctx.http does this). */
const http = async (req: NodeHttpRequest): Promise<NodeHttpResponse> => {
  const res = await fetch(req.url, { method: req.method, headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      const m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^?:]+)(:append)?(\?.*)?$/.exec(req.url!);
      const rows = m && sheets.get(decodeURIComponent(m[1]));
      if (!m || !rows) return send(404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
      const range = decodeURIComponent(m[2]);
      if (m[3] && req.method === 'POST') {
        const q = new URLSearchParams(m[4]?.slice(1));
        if (q.get('valueInputOption') !== 'USER_ENTERED') return send(400, { error: { message: 'valueInputOption required' } });
        rows.push(...body.values);
        return send(200, { spreadsheetId: m[1], tableRange: `${range.split('!')[0]}!A1:C${rows.length - 1}`, updates: { updatedRange: `${range.split('!')[0]}!A${rows.length}:C${rows.length}`, updatedRows: 1, updatedColumns: 3, updatedCells: 3 } });
      }
      if (req.method === 'GET') return send(200, { range, majorDimension: 'ROWS', values: rows });
      send(405, { error: { message: 'method' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

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

describe('sheets nodes', () => {
  const ctx = (config: Record<string, unknown>, vars: Record<string, unknown> = {}) =>
    ({
      config, vars, nodeId: 'n', runId: 'r', state: {}, simulation: false, now: Date.now(), message: null,
      contact: { id: 'c', name: 'Dee', phone: '15550004', email: null, attributes: {} },
      render: (s: string) => s.replace('{{contact.name}}', 'Dee').replace('{{contact.phone}}', '15550004').replace('{{vars.token}}', String(vars.token ?? '')),
      runCode: async () => null,
      http: () => Promise.reject(new Error('not used')),
    }) as unknown as NodeContext<any>;
  const nodes = () => sheetsNodes({ http, baseUrl: base }); // base is known once the fake listens
  const common = { accessToken: '{{vars.token}}', spreadsheetId: 'sheet-1' };

  it('append_row renders values and reports the written range', async () => {
    const r = await nodes().appendRow.execute(ctx({ ...common, range: 'Leads!A:C', values: ['{{contact.name}}', '{{contact.phone}}', 'lead'] }, { token: TOKEN }));
    expect(r).toEqual({ output: 'out', vars: { sheetsUpdatedRange: 'Leads!A5:C5' } });
  });

  it('lookup follows found / not_found, and error with the code on API failures', async () => {
    expect(await nodes().lookup.execute(ctx({ ...common, range: 'Leads!A:C', column: 'phone', value: '{{contact.phone}}', variable: 'row' }, { token: TOKEN }))).toEqual({
      output: 'found', vars: { row: { name: 'Dee', phone: '15550004', plan: 'lead' } },
    });
    expect((await nodes().lookup.execute(ctx({ ...common, range: 'A:C', column: 'phone', value: '000', variable: 'row' }, { token: TOKEN }))).output).toBe('not_found');
    expect(await nodes().lookup.execute(ctx({ ...common, range: 'A:C', column: 'phone', value: '1', variable: 'row' }, { token: 'wrong' }))).toMatchObject({
      output: 'error', vars: { lastError: { code: 'SHEETS_AUTH' } },
    });
  });

  it('the plugin registers both nodes through the host', async () => {
    const registered: string[] = [];
    await plugin.setup({ pluginId: 'sheets', logger: { debug() {}, info() {}, warn() {}, error() {} }, setting: () => undefined, registerChannel() {}, registerNode: (n) => void registered.push(n.type) });
    expect(registered).toEqual(['sheets.append_row', 'sheets.lookup']);
  });
});
