/**
 * Escape tests for plugin nodes: a malicious plugin, loaded like at start-up, whose node tries
 * to reach the host from the sandbox. Every attempt must fail typed, the run take the node's
 * `error` output, and the host keep working.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NodeContext, NodeResult } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../flows/template.js';
import { NodeRegistry } from '../flows/node-registry.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { SandboxPool } from './sandbox.pool.js';
import { SandboxService } from './sandbox.service.js';
import { sandboxNode } from './sandboxed-node.js';
import type { NodeLogEntry } from './sandbox.pool.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The plugin's node: `config.attack` is an async function body over `ctx`. */
const EVIL = `import { definePlugin, defineNode } from '@parley/sdk';
const evil = defineNode({
  type: 'evil.run', version: 1, label: 'Evil', category: 'integration', description: 'tries everything',
  configSchema: { type: 'object', properties: { attack: { type: 'string' } } },
  outputs: ['out', 'error'],
  async execute(ctx) {
    const AsyncFunction = (async () => {}).constructor;
    return await new AsyncFunction('ctx', ctx.config.attack)(ctx);
  },
});
const quiet = defineNode({
  type: 'evil.quiet', version: 1, label: 'Quiet', category: 'integration', description: 'no error output',
  configSchema: { type: 'object' }, outputs: ['out'],
  execute() { throw new Error('boom'); },
});
const waiter = defineNode({
  type: 'evil.wait', version: 1, label: 'Wait', category: 'input', description: 'waits for the answer',
  configSchema: { type: 'object' }, outputs: ['out'], waits: true,
  execute(ctx) { return { wait: { for: 'message', timeoutMs: 60000 }, state: { asked: (ctx.state.asked ?? 0) + 1 }, effects: [{ kind: 'send', message: { type: 'text', text: 'Your order number?' } }] }; },
  resume(ctx) { return { output: 'out', vars: { answer: ctx.message && ctx.message.text, wake: ctx.wake, asked: ctx.state.asked } }; },
});
export default definePlugin({ id: 'evil', setup(host) { host.registerNode(evil); host.registerNode(quiet); host.registerNode(waiter); } });
`;

/** A plugins folder in which packages resolve `@parley/sdk` (as installed plugins do). */
function pluginsRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'evil-'));
  mkdirSync(join(root, 'node_modules', '@parley'), { recursive: true });
  symlinkSync(dirname(dirname(createRequire(import.meta.url).resolve('@parley/sdk'))), join(root, 'node_modules', '@parley', 'sdk'));
  return root;
}

function writePlugin(root: string, name: string, parley: unknown, source: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@x/${name}`, version: '1.0.0', type: 'module', main: 'index.js', parley }));
  writeFileSync(join(dir, 'index.js'), source);
}

let reg: NodeRegistry;
let plugins: PluginRegistry;
let server: Server;
let hits = 0;
let port = 0;
const sandbox = new SandboxService({ sandbox: { timeoutMs: 1000, workers: 2 } } as never);

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":"internal"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const root = pluginsRoot();
  writePlugin(root, 'evil', { apiVersion: 1, capabilities: ['node:evil.run', 'node:evil.quiet', 'node:evil.wait'], permissions: ['http:api.evil.test', 'setting:EVIL_KEY'] }, EVIL);
  plugins = new PluginRegistry();
  await loadPlugins({ registry: plugins, setting: () => undefined, logger }, [], root);
  // private addresses allowed platform-wide, every host on the platform allow-list: the plugin is still limited to its permissions
  reg = new NodeRegistry(plugins, { flowHttp: { allowHosts: ['*'], allowPrivate: true, timeoutMs: 2000 }, settings: { EVIL_KEY: 'granted', META_APP_SECRET: 'not-granted' } } as never, sandbox);
});
afterAll(async () => {
  await sandbox.onApplicationShutdown();
  await new Promise<void>((r) => server.close(() => r()));
});

const scope = { vars: { name: 'Ana', order: { id: 7 } }, contact: { id: 'c1', name: 'Ana Lima', phone: '1555', email: null, attributes: { plan: 'gold' } }, message: { id: 'm', type: 'text', text: 'hi there' } };

/** Runs `attack` as the evil node, with the context the engine would build. */
const attack = (code: string, type = 'evil.run', def = reg.get(type)!): Promise<NodeResult> => {
  const ctx = {
    config: { attack: code }, nodeId: 'n1', runId: 'r1', vars: structuredClone(scope.vars), contact: structuredClone(scope.contact), message: { ...scope.message }, state: {}, simulation: false, now: 1,
    render: (t: string) => render(t, scope),
    runCode: async () => null,
    http: async () => ({ status: 200, headers: {}, body: 'the unscoped host client must not be used' }),
    ...reg.capabilitiesOf(type),
  } as NodeContext<any>;
  return Promise.resolve(def.execute(ctx));
};
const errorOf = async (code: string) => ((await attack(code)).vars?.lastError ?? null) as { code: string; message: string } | null;

describe('plugin nodes in the sandbox', () => {
  it('run with copied values, in-isolate render and granted settings only', async () => {
    expect(await attack(`return { output: 'out', vars: { r: [ctx.render('{{contact.name}} / {{vars.order.id}} / {{message.text}} / {{contact.attributes.plan}} / {{vars.nope}}'), ctx.setting('EVIL_KEY'), ctx.setting('META_APP_SECRET') ?? null, ctx.nodeId, ctx.config.attack.length > 0] } }`)).toEqual({
      output: 'out', vars: { r: ['Ana Lima / 7 / hi there / gold / ', 'granted', null, 'n1', true] },
    });
  });

  it('render in the isolate agrees with the host template renderer', async () => {
    const templates = ['{{ vars.name }}!', '{{vars.order}}', '{{contact.attributes}}', '{{vars.constructor}}', '{{vars.__proto__}}', '{{contact.email}}', 'a {{message.text}} {{unknown.x}} {{vars.name.length}}', '{{vars.order.id.x}}'];
    const r = await attack(`return { output: 'out', vars: { r: ${JSON.stringify(templates)}.map((t) => ctx.render(t)) } }`);
    expect(r.vars!.r).toEqual(templates.map((t) => render(t, scope)));
  });

  it('has no process, require, timers, fetch or host objects', async () => {
    expect(await attack(`return { output: 'out', vars: { r: [typeof process, typeof require, typeof module, typeof globalThis.fetch, typeof setTimeout, typeof Buffer] } }`)).toEqual({
      output: 'out', vars: { r: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined'] },
    });
    // every function it gets leads back to the isolate's own Function, never the host's
    expect(await attack(`return { output: 'out', vars: { r: [ctx.http.constructor.constructor('return typeof process')(), ctx.vars.constructor.constructor('return typeof process')(), Object.getPrototypeOf(ctx.contact) === Object.prototype, ctx.http.constructor.constructor('return this')() === globalThis] } }`)).toEqual({
      output: 'out', vars: { r: ['undefined', 'undefined', true, true] },
    });
    expect(await errorOf(`return require('fs')`)).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', message: expect.stringContaining('require is not defined') });
    expect(await errorOf(`return await import('node:fs')`)).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR' });
    expect(await errorOf(`return process.exit(1)`)).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', message: expect.stringContaining('process is not defined') });
  });

  it('stops infinite loops, also after a host call', async () => {
    expect(await errorOf('while (true) {}')).toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    expect(await errorOf(`try { await ctx.http({ method: 'GET', url: 'https://api.evil.test/' }); } catch {} for (;;) {}`)).toMatchObject({ code: 'SANDBOX_TIMEOUT' });
    expect(await errorOf('for (;;) await null')).toMatchObject({ code: 'SANDBOX_TIMEOUT' });
  });

  it('survives memory bombs', async () => {
    expect(await errorOf(`const a = []; for (;;) a.push('x'.repeat(1000) + Math.random())`)).toMatchObject({ code: expect.stringMatching(/SANDBOX_(MEMORY|TIMEOUT)/) });
    expect(await errorOf('return new Array(1e8).fill(0).length')).toMatchObject({ code: expect.stringMatching(/SANDBOX_(MEMORY|TIMEOUT)/) });
  });

  it('reaches only its permitted hosts, never loopback', async () => {
    const before = hits;
    expect(await errorOf(`await ctx.http({ method: 'GET', url: 'http://127.0.0.1:${port}/' })`)).toMatchObject({ code: 'SANDBOX_SCRIPT_ERROR', message: expect.stringContaining('not on the allow-list') });
    expect(await errorOf(`await ctx.http({ method: 'GET', url: 'http://localhost:${port}/' })`)).toMatchObject({ message: expect.stringContaining('not on the allow-list') });
    expect(await errorOf(`await ctx.http({ method: 'GET', url: 'https://example.com/' })`)).toMatchObject({ message: expect.stringContaining('not on the allow-list') });
    // the error reaches the node with its code, so it can branch on it
    expect(await attack(`try { await ctx.http({ method: 'GET', url: 'http://[::1]:${port}/' }); } catch (e) { return { output: 'error', vars: { lastError: { code: e.code, message: e.message } } }; }`)).toMatchObject({
      output: 'error', vars: { lastError: { code: 'HTTP_BLOCKED' } },
    });
    // malformed requests are refused before any network activity
    expect(await errorOf(`await ctx.http({ method: 'TRACE', url: 'https://api.evil.test/' })`)).toMatchObject({ message: expect.stringContaining('invalid request') });
    expect(await errorOf(`await ctx.http({ method: 'GET', url: 'https://api.evil.test/', extra: () => 1, headers: { a: { b: 1 } } })`)).toMatchObject({ message: expect.stringContaining('invalid request') });
    expect(hits).toBe(before);
  });

  it('limits the number of host calls per execution', async () => {
    const e = await errorOf(`const r = await Promise.allSettled(Array.from({ length: 25 }, () => ctx.http({ method: 'GET', url: 'http://127.0.0.1:${port}/' }))); throw new Error(r.map((x) => x.reason.code).join(','))`);
    expect(e!.message.split(',').filter((c) => c === 'HTTP_LIMIT')).toHaveLength(5);
  });

  it('refuses huge, non-JSON and malformed results', async () => {
    expect(await errorOf(`return { output: 'out', vars: { x: 'x'.repeat(20e6) } }`)).toMatchObject({ code: 'SANDBOX_RESULT_TOO_LARGE' });
    expect(await errorOf(`return { output: 'out', vars: { list: Array.from({ length: 100000 }, (_, i) => i) } }`)).toMatchObject({ code: 'SANDBOX_RESULT_TOO_LARGE' });
    expect(await errorOf(`const a = {}; a.a = a; return { output: 'out', vars: a }`)).toMatchObject({ code: 'SANDBOX_RESULT_INVALID' });
    expect(await errorOf(`return { output: 'elsewhere' }`)).toMatchObject({ code: 'NODE_RESULT_INVALID', message: expect.stringContaining("node's outputs") });
    expect(await errorOf(`return { output: 'out', effects: [{ kind: 'sql', query: 'DROP TABLE chats' }] }`)).toMatchObject({ code: 'NODE_RESULT_INVALID' });
    expect(await errorOf(`return { output: 'out', wait: { for: 'message' } }`)).toMatchObject({ code: 'NODE_RESULT_INVALID', message: expect.stringContaining('waits') });
    expect(await errorOf(`return { output: 'out', run: { status: 'completed' } }`)).toMatchObject({ code: 'NODE_RESULT_INVALID' });
    expect(await errorOf(`return 42`)).toMatchObject({ code: 'NODE_RESULT_INVALID' });
    expect(await errorOf(`await new Promise(() => {})`)).toMatchObject({ code: 'SANDBOX_UNSETTLED' });
    // valid effects pass
    expect(await attack(`return { output: 'out', effects: [{ kind: 'send', message: { type: 'text', text: 'hi' } }, { kind: 'tag', add: ['vip'] }] }`)).toEqual({
      output: 'out', effects: [{ kind: 'send', message: { type: 'text', text: 'hi' } }, { kind: 'tag', add: ['vip'] }],
    });
  });

  it('a node that throws takes its error output with the message; the host keeps working', async () => {
    expect(await attack(`throw new TypeError('bad sheet')`)).toEqual({ output: 'error', vars: { lastError: { code: 'SANDBOX_SCRIPT_ERROR', message: 'evil.run: TypeError: bad sheet' } } });
    // without an error output the engine finds no edge and fails the run with this lastError
    expect(await attack('', 'evil.quiet')).toEqual({ output: 'error', vars: { lastError: { code: 'SANDBOX_SCRIPT_ERROR', message: 'evil.quiet: Error: boom' } } });
    // tampering with the isolate's globals only affects that execution
    await attack(`JSON.stringify = () => '{"ok":{"output":"out","vars":{"pwned":true}}}'; Object.prototype.x = 1; return { output: 'out' }`);
    expect(await attack(`return { output: 'out', vars: { clean: ({}).x === undefined } }`)).toEqual({ output: 'out', vars: { clean: true } });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => attack(`return { output: 'out', vars: { i: ${i} } }`)));
    expect(results.map((r) => r.vars!.i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(process.memoryUsage().rss).toBeLessThan(1.5e9);
  });

  it('waiting plugin nodes pause and resume in the sandbox', async () => {
    const def = reg.get('evil.wait')!;
    const base = { config: {}, nodeId: 'n1', runId: 'r1', vars: {}, contact: scope.contact, simulation: false, now: 1, render: (t: string) => t, runCode: async () => null, ...reg.capabilitiesOf('evil.wait') };
    const waited = await def.execute({ ...base, message: null, state: {} } as never);
    expect(waited).toEqual({ wait: { for: 'message', timeoutMs: 60000 }, state: { asked: 1 }, effects: [{ kind: 'send', message: { type: 'text', text: 'Your order number?' } }] });
    expect(await def.resume!({ ...base, message: { id: 'm2', type: 'text', text: 'A-42' }, state: waited.state!, wake: 'message' } as never)).toEqual({ output: 'out', vars: { answer: 'A-42', wake: 'message', asked: 1 } });
  });

  it('a node waiting for a slow host call does not hold up code nodes (an extra worker starts)', async () => {
    const pool = new SandboxPool({ workers: 1, timeoutMs: 1000 });
    try {
      const p = plugins.nodes.find((x) => x.definition.type === 'evil.run')!;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = sandboxNode(p.definition, { bundle: p.bundle, settings: [], pool: () => pool, capabilities: { http: async () => (await gate, { status: 200, headers: {}, body: 'late' }) } });
      const running = attack(`const r = await ctx.http({ method: 'GET', url: 'https://api.evil.test/' }); return { output: 'out', vars: { body: r.body } }`, 'evil.run', slow);
      const blocked = new Promise((r) => setTimeout(() => r('blocked'), 5000).unref());
      expect(await Promise.race([pool.run('return 6 * 7', { vars: {}, contact: null, message: null }), blocked])).toBe(42);
      expect(pool.size).toBe(2);
      release();
      expect(await running).toEqual({ output: 'out', vars: { body: 'late' } });
    } finally {
      await pool.close();
    }
  });

  it('passes ctx.log lines to the host, bounded', async () => {
    const lines: (NodeLogEntry & { type: string })[] = [];
    const p = plugins.nodes.find((x) => x.definition.type === 'evil.run')!;
    const def = sandboxNode(p.definition, { bundle: p.bundle, settings: [], pool: () => sandbox.pool, log: (l) => lines.push(l) });
    const r = await attack(`ctx.log('nope', 'odd level'); for (let i = 0; i < 30; i++) ctx.log('warn', 'line ' + i + 'x'.repeat(600), { i, big: i === 1 ? 'y'.repeat(3000) : undefined }); return { output: 'out' }`, 'evil.run', def);
    expect(r).toEqual({ output: 'out' });
    expect(lines).toHaveLength(20);
    expect(lines[0]).toEqual({ type: 'evil.run', level: 'info', message: 'odd level', fields: null });
    expect(lines[1]).toEqual({ type: 'evil.run', level: 'warn', message: ('line 0' + 'x'.repeat(600)).slice(0, 500), fields: { i: 0 } });
    expect(lines[2].fields).toBeNull();
  });

  it('a plugin whose node code imports Node built-ins does not load', async () => {
    const root = pluginsRoot();
    writePlugin(root, 'fsy', { apiVersion: 1, capabilities: ['node:fsy.read'] }, `import { readFileSync } from 'node:fs';\nexport default { id: 'fsy', setup() { readFileSync; } };`);
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], root)).rejects.toThrow(/Plugin fsy: its node code cannot be bundled for the sandbox.*node:fs/);
  });

  it('a bundle that fails to load in the sandbox fails the node with a clear error', async () => {
    const root = pluginsRoot();
    writePlugin(root, 'picky', { apiVersion: 1, capabilities: ['node:picky.x'] }, `import { defineNode } from '@parley/sdk';
if (typeof process === 'undefined') throw new Error('needs Node');
export default { id: 'picky', setup(host) { host.registerNode(defineNode({ type: 'picky.x', version: 1, label: 'x', category: 'data', description: '', configSchema: { type: 'object' }, outputs: ['out'], execute: () => ({ output: 'out' }) })); } };`);
    const registry = new PluginRegistry();
    await loadPlugins({ registry, setting: () => undefined, logger }, [], root);
    const def = new NodeRegistry(registry, undefined, sandbox).get('picky.x')!;
    expect(await attack('', 'picky.x', def)).toEqual({ output: 'error', vars: { lastError: { code: 'SANDBOX_SCRIPT_ERROR', message: 'picky.x: Error: the node bundle failed to load: Error: needs Node' } } });
  });

  it('plugin nodes cannot be triggers', async () => {
    const root = pluginsRoot();
    writePlugin(root, 'trig', { apiVersion: 1, capabilities: ['node:trig.start'] }, `export default { id: 'trig', setup(host) { host.registerNode({ type: 'trig.start', version: 1, label: 'x', category: 'trigger', description: '', configSchema: { type: 'object' }, outputs: ['out'], trigger: true, matches: () => true, execute: () => ({ output: 'out' }) }); } };`);
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], root)).rejects.toThrow(/cannot be triggers/);
  });
});
