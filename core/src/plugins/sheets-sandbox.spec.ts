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
import { sandboxNode } from '../sandbox/sandboxed-node.js';
import { findPluginsDir, loadPlugins } from './plugin-loader.js';
import { PluginRegistry } from './plugin-registry.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
let fake: FakeSheets;
let reg: NodeRegistry;
let plugins: PluginRegistry;
const sandbox = new SandboxService({ sandbox: { timeoutMs: 1000, workers: 1 } } as never);

beforeAll(async () => {
  fake = await startFakeSheets();
  plugins = new PluginRegistry();
  await loadPlugins({ registry: plugins, setting: () => undefined, logger }, [], findPluginsDir()!);
  reg = new NodeRegistry(plugins, { flowHttp: { allowHosts: ['*'], allowPrivate: false, timeoutMs: 5000 }, settings: {} } as never, sandbox);
});
afterAll(async () => {
  await sandbox.onApplicationShutdown();
  await fake.close();
});

/** A context like the engine's. */
const ctx = (config: Record<string, unknown>, vars: Record<string, unknown> = {}) =>
  ({
    config, vars, nodeId: 'n1', runId: 'r1', state: {}, simulation: false, now: Date.now(), message: { id: 'm1', type: 'text', text: 'hi' },
    contact: { id: 'c1', name: 'Dee', phone: '15550004', email: null, attributes: {} },
    render: () => {
      throw new Error('plugin nodes must not render in the host');
    },
    runCode: async () => null,
    http: () => Promise.reject(new Error('the engine context http must not be used')),
    setting: () => undefined,
  }) as NodeContext<any>;

/** The plugin's node in the sandbox with host HTTP that may reach the fake on loopback, granted as the API URL. */
const node = (type: string) => {
  const p = plugins.nodes.find((x) => x.definition.type === type)!;
  const http = new HostHttp({ allowHosts: ['127.0.0.1'], allowPrivate: true, timeoutMs: 5000 });
  return sandboxNode(p.definition, {
    bundle: p.bundle, settings: ['SHEETS_API_URL'], pool: () => sandbox.pool,
    capabilities: { http: (req) => http.request(req), setting: (name) => (name === 'SHEETS_API_URL' ? fake.base : undefined) },
  });
};

const common = { accessToken: '{{vars.token}}', spreadsheetId: 'sheet-1' };

describe('sheets nodes in the sandbox', () => {
  it('are loaded with their metadata; execute is not the plugin function', () => {
    const lookup = reg.get('sheets.lookup')!;
    expect(lookup.outputs).toEqual(['found', 'not_found', 'error']);
    expect(reg.ownerOf('sheets.append_row')).toBe('sheets');
    expect(lookup.execute.toString()).toContain("run('execute'");
  });

  it('append_row renders values (in the isolate) and reports the written range', async () => {
    const r = await node('sheets.append_row').execute(ctx({ ...common, range: 'Leads!A:C', values: ['{{contact.name}}', '{{contact.phone}}', 'lead {{message.text}}'] }, { token: TOKEN }));
    expect(r).toEqual({ output: 'out', vars: { sheetsUpdatedRange: 'Leads!A4:C4' } });
    expect(fake.calls.at(-1)).toEqual({
      method: 'POST', url: '/v4/spreadsheets/sheet-1/values/Leads!A%3AC:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS', auth: `Bearer ${TOKEN}`,
      body: { values: [['Dee', '15550004', 'lead hi']] },
    });
  });

  it('lookup follows found / not_found, and error with the code on API failures', async () => {
    const lookup = node('sheets.lookup');
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

  it('with the scoped host HTTP of its manifest (the registry), loopback is refused (HTTP_BLOCKED)', async () => {
    // the registry grants the SHEETS_API_URL setting; the platform does not set it, so Google's URL is used:
    // a registry whose platform settings point it at the fake still cannot reach loopback
    const pointed = new NodeRegistry(plugins, { flowHttp: { allowHosts: ['*'], allowPrivate: true, timeoutMs: 5000 }, settings: { SHEETS_API_URL: fake.base } } as never, sandbox);
    const before = fake.calls.length;
    const r = await pointed.get('sheets.lookup')!.execute(ctx({ ...common, range: 'A:C', column: 'phone', value: '1', variable: 'row' }, { token: TOKEN }));
    expect(r).toMatchObject({ output: 'error', vars: { lastError: { code: 'HTTP_BLOCKED', message: expect.stringContaining('not on the allow-list') } } });
    expect(fake.calls.length).toBe(before);
  });
});
