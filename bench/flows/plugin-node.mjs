#!/usr/bin/env node
/**
 * bench/flows/plugin-node: the cost of running a plugin flow node in the sandbox, against core's
 * compiled output (run `npm run build` first). Prints figures; asserts nothing.
 *
 *   node --no-node-snapshot bench/flows/plugin-node.mjs [--n 400] [--concurrency 8] [--workers 2]
 *
 * - bundling: esbuild time and size for the sample Sheets plugin (once per start-up);
 * - per execution, sequential (p50 / p99): the same node run in the host (the old way, a
 *   baseline), in the sandbox, a `code.javascript` body of the same work (SandboxPool.run), and a
 *   plugin node making one `ctx.http` call to a local server (host round trip + HTTP);
 * - throughput: sandboxed executions/s with `--concurrency` in flight on `--workers` workers;
 * - in the engine (`--db sqlite|mysql`, as bench/flows/run.mjs): steps/s of simulated runs of a
 *   trigger + 20 plugin nodes (the bench plugin loaded through PARLEY_PLUGINS), next to 20
 *   `code.javascript` nodes; each step commits its run row and log row.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(join(ROOT, 'core/dist/core/src', p)).href;
const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '50' },
    db: { type: 'string', default: 'sqlite' },
    'mysql-url': { type: 'string', default: 'mysql://root@127.0.0.1:3306' },
  },
});
const N = Number(opt.n);

const { bundlePluginNodes } = await import(dist('sandbox/plugin-bundle.js'));
const { SandboxPool } = await import(dist('sandbox/sandbox.pool.js'));
const { sandboxNode } = await import(dist('sandbox/sandboxed-node.js'));
const { HostHttp } = await import(dist('flows/host-http.js'));
const { render } = await import(dist('flows/template.js'));
const { defineNode, definePlugin } = await import(pathToFileURL(join(ROOT, 'sdk/dist/index.js')).href);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => x.toFixed(x < 1 ? 3 : 2);

// the bench plugin: the same source runs in the host (baseline) and, bundled, in the sandbox
const SOURCE = `import { defineNode, definePlugin } from '@parley/sdk';
export const echo = defineNode({
  type: 'bench.echo', version: 1, label: 'Echo', category: 'data', description: 'renders and counts',
  configSchema: { type: 'object' }, outputs: ['out'],
  execute(ctx) { return { output: 'out', vars: { greeting: ctx.render('Hi {{contact.name}}, order {{vars.order.id}}'), n: (ctx.vars.n ?? 0) + 1 } }; },
});
export const fetchOne = defineNode({
  type: 'bench.fetch', version: 1, label: 'Fetch', category: 'integration', description: 'one host HTTP call',
  configSchema: { type: 'object' }, outputs: ['out', 'error'],
  async execute(ctx) { const r = await ctx.http({ method: 'GET', url: ctx.config.url }); return { output: 'out', vars: { status: r.status, id: r.body.id } }; },
});
export default definePlugin({ id: 'bench', setup(host) { host.registerNode(echo); host.registerNode(fetchOne); } });
`;
// a package like an installed plugin (resolves @parley/sdk), loadable through PARLEY_PLUGINS
const dir = mkdtempSync(join(tmpdir(), 'parley-bench-plugin-'));
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src/index.js'), SOURCE);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'parley-bench-plugin', version: '1.0.0', type: 'module', main: 'src/index.js', parley: { apiVersion: 1, capabilities: ['node:bench.echo', 'node:bench.fetch'], permissions: [] } }));
mkdirSync(join(dir, 'node_modules/@parley'), { recursive: true });
symlinkSync(join(ROOT, 'sdk'), join(dir, 'node_modules/@parley/sdk'));

let t0 = performance.now();
const sheets = await bundlePluginNodes('sheets', join(ROOT, 'plugins/sheets/dist/index.js'));
const sheetsMs = performance.now() - t0;
const bundle = await bundlePluginNodes('bench', join(dir, 'src/index.js'));

// host-side definitions (metadata; and the baseline's execute)
const hostEcho = defineNode({ type: 'bench.echo', version: 1, label: 'Echo', category: 'data', description: '', configSchema: { type: 'object' }, outputs: ['out'], execute: (ctx) => ({ output: 'out', vars: { greeting: ctx.render('Hi {{contact.name}}, order {{vars.order.id}}'), n: (ctx.vars.n ?? 0) + 1 } }) });
const hostFetch = defineNode({ type: 'bench.fetch', version: 1, label: 'Fetch', category: 'integration', description: '', configSchema: { type: 'object' }, outputs: ['out', 'error'], execute: () => ({ output: 'out' }) });
void definePlugin;

const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":42}'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/x`;
const http = new HostHttp({ allowHosts: ['127.0.0.1'], allowPrivate: true, timeoutMs: 5000 });

const pool = new SandboxPool({ workers: Number(opt.workers) });
const caps = { http: (req) => http.request(req), setting: () => undefined };
const echo = sandboxNode(hostEcho, { bundle, settings: [], pool: () => pool, capabilities: caps });
const fetchNode = sandboxNode(hostFetch, { bundle, settings: [], pool: () => pool, capabilities: caps });

const scope = { vars: { n: 1, order: { id: 'ord-7' }, notes: 'x'.repeat(2000) }, contact: { id: 'c1', name: 'Ana', phone: '1555', email: null, attributes: { plan: 'gold' } }, message: { id: 'm1', type: 'text', text: 'hello' } };
const ctx = (config = {}) => ({ config, nodeId: 'n1', runId: 'r1', vars: structuredClone(scope.vars), contact: structuredClone(scope.contact), message: { ...scope.message }, state: {}, simulation: false, now: Date.now(), render: (t) => render(t, scope), runCode: async () => null, http: caps.http, setting: caps.setting });

async function timeSeq(label, fn) {
  for (let i = 0; i < 20; i++) await fn(); // warm up: workers started, bundle compiled
  const xs = [];
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await fn();
    xs.push(performance.now() - s);
  }
  console.log(`${label.padEnd(44)} p50 ${ms(pct(xs, 50))} ms   p99 ${ms(pct(xs, 99))} ms`);
  return xs;
}

const check = await echo.execute(ctx());
if (check.output !== 'out' || check.vars.greeting !== 'Hi Ana, order ord-7') throw new Error(`unexpected result ${JSON.stringify(check)}`);
const checkFetch = await fetchNode.execute(ctx({ url }));
if (checkFetch.vars?.id !== 42) throw new Error(`unexpected result ${JSON.stringify(checkFetch)}`);

console.log(`sheets plugin bundle: ${(sheets.code.length / 1024).toFixed(1)} KiB, bundled in ${sheetsMs.toFixed(0)} ms (once per start-up)`);
console.log(`per execution, sequential, n=${N}:`);
await timeSeq('host (baseline, not how plugins run)', () => hostEcho.execute(ctx()));
await timeSeq('plugin node in the sandbox', () => echo.execute(ctx()));
await timeSeq('code.javascript body, same work', () => pool.run('return { greeting: `Hi ${contact.name}, order ${vars.order.id}`, n: (vars.n ?? 0) + 1 }', scope));
await timeSeq('plugin node + 1 ctx.http call (local server)', () => fetchNode.execute(ctx({ url })));
await timeSeq('same HTTP call from the host alone', () => http.request({ method: 'GET', url }));

const C = Number(opt.concurrency);
let done = 0;
t0 = performance.now();
await Promise.all(
  Array.from({ length: C }, async () => {
    while (done < N * 2) {
      done++;
      await echo.execute(ctx());
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
console.log(`throughput: ${Math.round(done / secs)} sandboxed executions/s (${C} in flight, ${opt.workers} workers)`);

await pool.close();
await new Promise((r) => server.close(r));

// in the engine: each step also commits the run row and the step log
const { createParleyApp } = await import(dist('app.factory.js'));
const { FlowEngine } = await import(dist('flows/engine.js'));
const { RunsRepository } = await import(dist('flows/runs.repository.js'));
const { SandboxService } = await import(dist('sandbox/sandbox.service.js'));
let dbUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
let dropDb = async () => {};
if (opt.db === 'mysql') {
  const mysql = (await import('mysql2/promise')).default;
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection(opt['mysql-url']);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  dbUrl = `${opt['mysql-url'].replace(/\/$/, '')}/${name}`;
  dropDb = async () => {
    const c = await mysql.createConnection(opt['mysql-url']);
    await c.query(`DROP DATABASE ${name}`);
    await c.end();
  };
}
const parley = await createParleyApp({ PORT: '0', DATABASE_URL: dbUrl, DATA_DIR: dir, LOG_LEVEL: 'silent', PARLEY_PLUGINS: join(dir, 'src/index.js'), SANDBOX_WORKERS: opt.workers });
const engine = parley.app.get(FlowEngine);
const runs = parley.app.get(RunsRepository);
await parley.app.get(SandboxService).run('return 1', { vars: {}, contact: null, message: null }); // start a worker
const node = (id, type, config = {}) => ({ id, type, position: { x: 0, y: 0 }, config });
const chain = (nodes) => ({ nodes, edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, sourceHandle: 'out', target: n.id })) });
async function stepsPerSecond(label, graph, total) {
  let steps = 0;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next++ < total) {
        const run = engine.newRun({ tenantId: 'bench', flowId: 'bench', versionId: null, mode: 'simulation', chatId: null, contactId: null, channelId: null, node: graph.nodes[0], messageId: null, graph, simContact: { name: 'Ana' } });
        await runs.insert(run);
        const done = await engine.advance(run, graph, { id: null, type: 'text', text: 'bench' }, false);
        if (done.status !== 'completed') throw new Error(`${label}: run ${done.status} ${JSON.stringify(done.error)}`);
        steps += done.steps;
      }
    }),
  );
  const s = (performance.now() - t) / 1000;
  console.log(`${label.padEnd(44)} ${Math.round(steps / s)} steps/s (${steps} steps, ${(s * 1000 / steps).toFixed(2)} ms per step of wall time, ${C} runs in flight)`);
}
console.log(`in the engine (${opt.db}, ${opt.workers} workers):`);
await stepsPerSecond('trigger + 20 plugin nodes (bench.echo)', chain([node('t', 'trigger.message'), ...Array.from({ length: 20 }, (_, i) => node(`p${i}`, 'bench.echo'))]), Number(opt.runs));
await stepsPerSecond('trigger + 20 code.javascript nodes', chain([node('t', 'trigger.message'), ...Array.from({ length: 20 }, (_, i) => node(`c${i}`, 'code.javascript', { code: 'return (vars.i ?? 0) + 1', resultVariable: 'i' }))]), Number(opt.runs));
await parley.close();
await dropDb();
rmSync(dir, { recursive: true, force: true });
