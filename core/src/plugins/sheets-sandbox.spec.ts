/**
 * The sample Sheets plugin loaded like at start-up (manifest, bundle) and its nodes executed in
 * the sandbox against a local fake of the Google Sheets API v4, with the host's HTTP client.
 */
import type { NodeContext } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_SHEETS_TOKEN as TOKEN, startFakeSheets, type FakeSheets } from '../../../plugins/sheets/test/fake-sheets-api.js';
import { HostHttp } from '../flows/host-http.js';
import { NodeRegistry } from '../flows/node-registry.js';
import { SandboxService } from '../sandbox/sandbox.service.js';
import { findPluginsDir, loadPlugins } from './plugin-loader.js';
import { PluginRegistry } from './plugin-registry.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
let fake: FakeSheets;
let reg: NodeRegistry;
const sandbox = new SandboxService({ sandbox: { timeoutMs: 1000, workers: 1 } } as never);

beforeAll(async () => {
  fake = await startFakeSheets();
  const plugins = new PluginRegistry();
  await loadPlugins({ registry: plugins, setting: () => undefined, logger }, [], findPluginsDir()!);
  reg = new NodeRegistry(plugins, { flowHttp: { allowHosts: ['*'], allowPrivate: false, timeoutMs: 5000 }, settings: {} } as never, sandbox);
});
afterAll(async () => {
  await sandbox.onApplicationShutdown();
  await fake.close();
});

/** A context like the engine's; HTTP may reach the fake on loopback and it is granted as the API URL. */
const ctx = (config: Record<string, unknown>, vars: Record<string, unknown> = {}, http = new HostHttp({ allowHosts: ['127.0.0.1'], allowPrivate: true, timeoutMs: 5000 })) =>
  ({
    config, vars, nodeId: 'n1', runId: 'r1', state: {}, simulation: false, now: Date.now(), message: { id: 'm1', type: 'text', text: 'hi' },
    contact: { id: 'c1', name: 'Dee', phone: '15550004', email: null, attributes: {} },
    render: () => {
      throw new Error('plugin nodes must not render in the host');
    },
    runCode: async () => null,
    http: (req) => http.request(req),
    setting: (name: string) => (name === 'SHEETS_API_URL' ? fake.base : undefined),
  }) as NodeContext<any>;

const common = { accessToken: '{{vars.token}}', spreadsheetId: 'sheet-1' };

describe('sheets nodes in the sandbox', () => {
  it('are loaded with their metadata; execute is not the plugin function', () => {
    const lookup = reg.get('sheets.lookup')!;
    expect(lookup.outputs).toEqual(['found', 'not_found', 'error']);
    expect(reg.ownerOf('sheets.append_row')).toBe('sheets');
    expect(lookup.execute.toString()).toContain("run('execute'");
  });

  it('append_row renders values (in the isolate) and reports the written range', async () => {
    const r = await reg.get('sheets.append_row')!.execute(ctx({ ...common, range: 'Leads!A:C', values: ['{{contact.name}}', '{{contact.phone}}', 'lead {{message.text}}'] }, { token: TOKEN }));
    expect(r).toEqual({ output: 'out', vars: { sheetsUpdatedRange: 'Leads!A4:C4' } });
    expect(fake.calls.at(-1)).toEqual({
      method: 'POST', url: '/v4/spreadsheets/sheet-1/values/Leads!A%3AC:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS', auth: `Bearer ${TOKEN}`,
      body: { values: [['Dee', '15550004', 'lead hi']] },
    });
  });

  it('lookup follows found / not_found, and error with the code on API failures', async () => {
    const lookup = reg.get('sheets.lookup')!;
    expect(await lookup.execute(ctx({ ...common, range: 'Leads!A:C', column: 'phone', value: '{{contact.phone}}', variable: 'row' }, { token: TOKEN }))).toEqual({
      output: 'found', vars: { row: { name: 'Dee', phone: '15550004', plan: 'lead hi' } },
    });
    expect((await lookup.execute(ctx({ ...common, range: 'A:C', column: 'phone', value: '000', variable: 'row' }, { token: TOKEN }))).output).toBe('not_found');
    expect(await lookup.execute(ctx({ ...common, range: 'A:C', column: 'phone', value: '1', variable: 'row' }, { token: 'wrong' }))).toMatchObject({
      output: 'error', vars: { lastError: { code: 'SHEETS_AUTH' } },
    });
    expect(await lookup.execute(ctx({ ...common, spreadsheetId: 'nope', range: 'A:C', column: 'phone', value: '1', variable: 'row' }, { token: TOKEN }))).toMatchObject({
      output: 'error', vars: { lastError: { code: 'SHEETS_NOT_FOUND' } },
    });
  });

  it('with the scoped host HTTP of its manifest, the fake on loopback is refused (HTTP_BLOCKED)', async () => {
    const scoped = { ...ctx({ ...common, range: 'A:C', column: 'phone', value: '1', variable: 'row' }, { token: TOKEN }), ...reg.capabilitiesOf('sheets.lookup') };
    // the registry's setting() grants SHEETS_API_URL, which the platform does not set: Google's URL it is;
    // point it at the fake through the scoped http instead
    const r = await reg.get('sheets.lookup')!.execute({ ...scoped, setting: () => fake.base });
    expect(r).toMatchObject({ output: 'error', vars: { lastError: { code: 'HTTP_BLOCKED', message: expect.stringContaining('not on the allow-list') } } });
  });
});
