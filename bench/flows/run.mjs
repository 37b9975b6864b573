#!/usr/bin/env node
/**
 * bench/flows: flow-engine speed, in process, against core's compiled output (run `npm run build`
 * first). Prints figures; asserts nothing.
 *
 *   node --no-node-snapshot bench/flows/run.mjs [--runs 200] [--concurrency 16] [--waiting 1000] [--db sqlite|mysql] [--mysql-url mysql://root@127.0.0.1:3306]
 *
 * - host-node steps/s: runs of a trigger + 50 `data.set_variable` nodes (each step commits its
 *   run row and log row);
 * - code-node steps/s: runs of a trigger + 20 `code.javascript` nodes (sandbox worker processes);
 * - with `--waiting` runs parked on `ask.question`: time from resuming a run with an answer to
 *   the committed step that produced the bot's reply (p50/p99). Runs are simulations (the
 *   effect lands in the transcript, not in the outbound queue), so webhook parsing, the inbound
 *   commit and the message insert are NOT included: this is the engine's share only;
 * - with `--timers` live contact-less runs parked on a 1 s `time.delay`: how late the agenda
 *   job (jobs table in the same database) resumed them after their due time (p50/p99, max),
 *   i.e. the jobs backend's lock + run + step commit under a burst;
 * - memory: host RSS and the sandbox workers' RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(join(ROOT, 'core/dist/core/src', p)).href;
const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    waiting: { type: 'string', default: '1000' },
    timers: { type: 'string', default: '500' },
    db: { type: 'string', default: 'sqlite' },
    'mysql-url': { type: 'string', default: 'mysql://root@127.0.0.1:3306' },
  },
});

const { createParleyApp } = await import(dist('app.factory.js'));
const { FlowEngine } = await import(dist('flows/engine.js'));
const { RunsRepository } = await import(dist('flows/runs.repository.js'));
const { SandboxService } = await import(dist('sandbox/sandbox.service.js'));
const { FlowsRepository } = await import(dist('flows/flows.repository.js'));

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-flows-'));
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
const parley = await createParleyApp({ PORT: '0', DATABASE_URL: dbUrl, DATA_DIR: dir, LOG_LEVEL: 'silent' });
const engine = parley.app.get(FlowEngine);
const runs = parley.app.get(RunsRepository);
const sandbox = parley.app.get(SandboxService);

const node = (id, type, config = {}) => ({ id, type, position: { x: 0, y: 0 }, config });
const chain = (nodes) => ({ nodes, edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, sourceHandle: 'out', target: n.id })) });
const message = { id: null, type: 'text', text: 'bench' };

async function start(graph) {
  const run = engine.newRun({ tenantId: 'bench', flowId: 'bench', versionId: null, mode: 'simulation', chatId: null, contactId: null, channelId: null, node: graph.nodes[0], messageId: null, graph, simContact: { name: 'Bench' } });
  await runs.insert(run);
  return run;
}

async function pool(total, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await fn(next++);
  }));
}

async function stepsPerSecond(label, graph, total) {
  let steps = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(total, Number(opt.concurrency), async () => {
    const run = await start(graph);
    const done = await engine.advance(run, graph, message, false);
    if (done.status !== 'completed') throw new Error(`${label}: run ${done.status} ${JSON.stringify(done.error)}`);
    steps += done.steps;
  });
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // this process's CPU per step (user + system): less sensitive to other load than steps/s
  const us = Math.round((cpu.user + cpu.system) / steps);
  console.log(`${label.padEnd(22)} ${String(Math.round(steps / s)).padStart(8)} steps/s   (${steps} steps, ${total} runs, ${s.toFixed(2)} s, concurrency ${opt.concurrency}; host CPU ${us} µs/step; load ${os.loadavg()[0].toFixed(2)})`);
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
console.log(`bench/flows on ${opt.db} (${process.version})`);

const host = chain([node('t', 'trigger.message'), ...Array.from({ length: 50 }, (_, i) => node(`v${i}`, 'data.set_variable', { variable: `v${i % 5}`, value: `{{vars.v${(i + 1) % 5}}}x` }))]);
await stepsPerSecond('host nodes', host, Number(opt.runs));

const code = chain([node('t', 'trigger.message'), ...Array.from({ length: 20 }, (_, i) => node(`c${i}`, 'code.javascript', { code: 'return (vars.i ?? 0) + 1', resultVariable: 'i' }))]);
await sandbox.run('return 1', { vars: {}, contact: null, message: null }); // start a worker
await stepsPerSecond('code nodes', code, Math.max(10, Math.round(Number(opt.runs) / 4)));

const waitingN = Number(opt.waiting);
if (waitingN > 0) {
  const ask = {
    nodes: [node('t', 'trigger.message'), node('q', 'ask.question', { question: 'Name?', capture: 'text', variable: 'name' }), node('r', 'send.text', { text: 'Thanks {{vars.name}}' })],
    edges: [{ id: 'a', source: 't', sourceHandle: 'out', target: 'q' }, { id: 'b', source: 'q', sourceHandle: 'out', target: 'r' }],
  };
  const rssBefore = process.memoryUsage().rss;
  const parked = [];
  await pool(waitingN, Number(opt.concurrency), async () => {
    const run = await engine.advance(await start(ask), ask, message, false);
    parked.push(run.id);
  });
  console.log(`waiting runs           ${parked.length} parked on ask.question; host RSS +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(1)} MB (runs live in the database)`);
  const lat = [];
  await pool(parked.length, Number(opt.concurrency), async (i) => {
    const run = await runs.get('bench', parked[i]);
    const t0 = performance.now();
    const done = await engine.advance(run, ask, { id: null, type: 'text', text: 'Ana' }, true);
    lat.push(performance.now() - t0);
    if (done.transcript.at(-1)?.text !== 'Thanks Ana') throw new Error('no reply');
  });
  lat.sort((a, b) => a - b);
  console.log(`resume → reply commit  p50 ${pct(lat, 50).toFixed(1)} ms   p99 ${pct(lat, 99).toFixed(1)} ms   (${lat.length} runs, concurrency ${opt.concurrency}; engine share only, see header)`);
}

const timersN = Number(opt.timers);
if (timersN > 0) {
  const flows = parley.app.get(FlowsRepository);
  const g = chain([node('t', 'trigger.message'), node('d', 'time.delay', { amount: 1, unit: 'seconds' }), node('v', 'data.set_variable', { variable: 'done', value: 'yes' })]);
  const flow = await flows.create('bench', 'timers', g);
  const version = await flows.publish('bench', flow.id, g, null, null);
  const due = new Map();
  const t0 = performance.now();
  await pool(timersN, Number(opt.concurrency), async () => {
    const run = engine.newRun({ tenantId: 'bench', flowId: flow.id, versionId: version.id, mode: 'live', chatId: null, contactId: null, channelId: null, node: g.nodes[0], messageId: null });
    await runs.insert(run);
    const parkedRun = await engine.advance(run, g, message, false);
    due.set(run.id, parkedRun.state.__timer.at);
  });
  const parkMs = performance.now() - t0;
  const db = parley.app.get((await import(dist('database/database.service.js'))).Database);
  for (;;) {
    const [{ n }] = await db.manager.query("SELECT COUNT(*) AS n FROM flow_runs WHERE flow_id = ? AND status = 'completed'", [flow.id]);
    if (Number(n) >= timersN) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const rows = await db.manager.query('SELECT id, finished_at FROM flow_runs WHERE flow_id = ?', [flow.id]);
  const lag = rows.map((r) => Number(r.finished_at) - due.get(r.id)).sort((a, b) => a - b);
  console.log(`time.delay resume lag  p50 ${pct(lag, 50)} ms   p99 ${pct(lag, 99)} ms   max ${lag.at(-1)} ms   (${timersN} runs parked in ${(parkMs / 1000).toFixed(2)} s, all due within that window; agenda over the jobs table)`);
}

const workerRss = sandbox.pool.workers
  .map((w) => w.proc.pid)
  .map((pid) => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) * 1024);
console.log(`memory                 host RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; sandbox workers ${workerRss.map((b) => `${(b / 1e6).toFixed(0)} MB`).join(', ')} (isolate limit ${sandbox.pool.limits.memoryMb} MB each, one context per code step)`);

await parley.close();
await dropDb();
rmSync(dir, { recursive: true, force: true });
// something (a pool or timer handle) can keep the event loop alive for minutes after close on MySQL
process.exit(0);
