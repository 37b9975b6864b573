#!/usr/bin/env node
/**
 * bench/ingest: inbound WhatsApp webhook throughput of a real Parley instance (issue 2, "Checks").
 *
 *   node bench/ingest/run.mjs [--db sqlite|mysql|both] [--duration 20] [--connections 64]
 *                             [--contacts 1000] [--retries 1000] [--warmup 3]
 *                             [--mysql-url mysql://root@127.0.0.1:3306] [--cpu-prof] [--sql-timing] [--keep]
 *                             [--server-arg <node flag for the server child, repeatable>]
 *
 * Per database: starts the fake Graph API (testing/fake-graph-api.ts, compiled to testing/dist),
 * a fresh database, and `core/dist/core/src/main.js` as a child process; signs up a tenant,
 * connects a WhatsApp channel, then fires signed webhooks (one unique `wamid.bench-<n>` each)
 * with autocannon, and checks in the database that every acknowledged message is stored once.
 * A second phase re-sends already-acknowledged webhooks (Meta retries) and checks that nothing
 * new is stored. Exits 1 when a message was lost or duplicated, a retry stored something, a
 * webhook was not acknowledged with 2xx, or the server failed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = join(ROOT, 'core/dist/core/src/main.js');
const FAKE_TS = join(ROOT, 'testing/fake-graph-api.ts');
const FAKE_JS = join(ROOT, 'testing/dist/fake-graph-api.js');
const TSC = join(ROOT, 'node_modules/.bin/tsc');

const APP_SECRET = 'bench-app-secret';
const VERIFY_TOKEN = 'bench-verify-token';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const GRAPH_TOKEN = 'EAAG-bench-token';
const WEBHOOK_PATH = '/webhooks/whatsapp';

// ---------------------------------------------------------------------------------------------
// arguments

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    contacts: { type: 'string', default: '1000' },
    retries: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '3' },
    'mysql-url': { type: 'string', default: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306' },
    'mysql-db': { type: 'string', default: 'parley_bench' },
    'cpu-prof': { type: 'boolean', default: false },
    'sql-timing': { type: 'boolean', default: false },
    'server-arg': { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  const src = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  console.log(src.slice(src.indexOf('/**') + 3, src.indexOf('*/')).split('\n').map((l) => l.replace(/^ \* ?/, '')).join('\n').trim());
  process.exit(0);
}
const int = (name, min = 0) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return v;
};
const DURATION = int('duration', 1);
const CONNECTIONS = int('connections', 1);
const CONTACTS = int('contacts', 1);
const RETRIES = int('retries', 0);
const WARMUP = int('warmup', 0);
const DBS = args.db === 'both' ? ['sqlite', 'mysql'] : [args.db];
if (!DBS.every((d) => d === 'sqlite' || d === 'mysql')) {
  console.error('--db must be sqlite, mysql or both');
  process.exit(2);
}
if (!/^[A-Za-z0-9_]+$/.test(args['mysql-db'])) {
  console.error('--mysql-db must be a plain identifier');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// prerequisites

if (!existsSync(MAIN_JS)) {
  console.error(`Parley is not built: ${MAIN_JS} is missing.\nRun \`npm run build\` at the repository root first.`);
  process.exit(2);
}

let autocannon, Database, mysql;
try {
  autocannon = (await import('autocannon')).default;
  Database = (await import('better-sqlite3')).default;
  mysql = (await import('mysql2/promise')).default;
} catch (err) {
  console.error(`Missing a dev dependency (${err.message}). Run \`npm install\` at the repository root.`);
  process.exit(2);
}

/** Compiles testing/fake-graph-api.ts → testing/dist/ (git-ignored) when missing or stale. */
function buildFakeGraphApi() {
  if (existsSync(FAKE_JS) && statSync(FAKE_JS).mtimeMs >= statSync(FAKE_TS).mtimeMs) return;
  console.log('compiling testing/fake-graph-api.ts → testing/dist/ …');
  const r = spawnSync(TSC, ['-p', join(ROOT, 'testing/tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    console.error('tsc failed on testing/tsconfig.build.json');
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// webhook bodies: a pure function of n, so retries re-send the exact same bytes

/** Deterministic pseudo-random contact for message n (mulberry32 of n). */
function contactOf(n) {
  let t = (n + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) % CONTACTS;
}

const waId = (c) => `1555${String(c).padStart(7, '0')}`;
const externalId = (n) => `wamid.bench-${n}`;

/**
 * A webhook in the shape of fixtures/channels/whatsapp/webhook_text__meta_docs.json.
 * `baseTs` keeps timestamps realistic and deterministic for a run.
 */
function webhookBody(n, baseTs) {
  const c = contactOf(n);
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: `Bench Contact ${c}` }, wa_id: waId(c) }],
              messages: [
                {
                  from: waId(c),
                  id: externalId(n),
                  timestamp: String(baseTs + Math.floor(n / 1000)),
                  type: 'text',
                  text: { body: `Bench message ${n}: does it come in another color?` },
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

/** Pre-computed bodies and signatures; grows on demand if the run outpaces the estimate. */
class Bodies {
  constructor(baseTs) {
    this.baseTs = baseTs;
    this.items = [];
  }
  make(n) {
    const body = Buffer.from(webhookBody(n, this.baseTs));
    return { body, sig: 'sha256=' + createHmac('sha256', APP_SECRET).update(body).digest('hex') };
  }
  fill(upTo) {
    for (let n = this.items.length; n < upTo; n++) this.items.push(this.make(n));
  }
  get(n) {
    if (n >= this.items.length) this.fill(n + 1024);
    return this.items[n];
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function http(base, method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 500)}`);
  return json;
}

/** utime+stime of a process in seconds, from /proc (Linux); null elsewhere. */
function procCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return null;
  }
}

/** Pid of the local MariaDB/MySQL server, to account its CPU time (best effort). */
function mysqldPid() {
  const r = spawnSync('pgrep', ['-x', 'mariadbd|mysqld'], { encoding: 'utf8' });
  const pid = Number((r.stdout ?? '').trim().split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

const fmt = (n, d = 0) => (n === null || n === undefined || Number.isNaN(n) ? '-' : Number(n).toFixed(d));

// ---------------------------------------------------------------------------------------------
// database side

/** A fresh database + a direct connection to verify what Parley stored. */
async function prepareDatabase(kind, workDir) {
  if (kind === 'sqlite') {
    const file = join(workDir, 'parley.sqlite');
    let db = null;
    const open = () => (db ??= new Database(file, { readonly: true, fileMustExist: true }));
    return {
      url: `sqlite:${file}`,
      label: `SQLite (WAL) ${file}`,
      async query(sql) {
        return open().prepare(sql).all();
      },
      async close() {
        db?.close();
      },
    };
  }
  const base = args['mysql-url'].replace(/\/+$/, '');
  const dbName = args['mysql-db'];
  const admin = await mysql.createConnection(base);
  await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version');
  await admin.end();
  const conn = await mysql.createConnection(`${base}/${dbName}`);
  return {
    url: `${base}/${dbName}`,
    label: `MySQL-compatible ${version} ${base}/${dbName}`,
    async query(sql) {
      const [rows] = await conn.query(sql);
      return rows;
    },
    async close() {
      await conn.end();
    },
  };
}

async function countMessages(db) {
  const [r] = await db.query('SELECT COUNT(*) AS n, COUNT(DISTINCT external_id) AS d FROM messages');
  return { total: Number(r.n), distinct: Number(r.d) };
}

/** Polls until the messages count is stable (in-flight requests cut off at the end may still commit). */
async function settledCount(db) {
  let last = await countMessages(db);
  for (let i = 0; i < 50; i++) {
    await sleep(200);
    const now = await countMessages(db);
    if (now.total === last.total) return now;
    last = now;
  }
  return last;
}

// ---------------------------------------------------------------------------------------------
// server child

async function startServer(kind, dbUrl, workDir, graphUrl) {
  const port = await freePort();
  const logFile = join(workDir, 'server.log');
  const log = createWriteStream(logFile);
  const profDir = join(workDir, 'cpu-prof');
  const nodeArgs = ['--no-node-snapshot', '--enable-source-maps'];
  if (args['sql-timing']) nodeArgs.push('--import', pathToFileURL(join(ROOT, 'bench/ingest/sql-timing.mjs')).href);
  if (args['cpu-prof']) {
    mkdirSync(profDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profDir}`);
  }
  nodeArgs.push(...args['server-arg']);
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: join(workDir, 'data'),
    DATABASE_URL: dbUrl,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    META_GRAPH_URL: graphUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', ...(args['sql-timing'] ? ['ipc'] : [])] });
  let tail = '';
  const keepTail = (chunk) => {
    tail = (tail + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const server = {
    kind,
    port,
    base: `http://127.0.0.1:${port}`,
    child,
    logFile,
    profDir,
    exit: null,
    tail: () => tail,
  };
  server.exited = new Promise((res) => {
    child.on('exit', (code, signal) => {
      server.exit = { code, signal };
      res(server.exit);
    });
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exit) throw new Error(`server exited during start-up (${JSON.stringify(server.exit)}):\n${tail}`);
    try {
      const res = await fetch(`${server.base}/health`);
      if (res.status === 200 && (await res.json()).status === 'ok') break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer GET /health within 90 s:\n${tail}`);
    }
    await sleep(100);
  }
  return server;
}

/** SIGTERM (graceful shutdown), SIGKILL after 15 s. Resolves `{code, signal, graceful}`. */
async function stopServer(server) {
  if (!server.exit) {
    server.child.kill('SIGTERM');
    const t = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
    await server.exited;
    clearTimeout(t);
  }
  const { code, signal } = server.exit;
  return { code, signal, graceful: code === 0 || signal === 'SIGTERM' || code === 143 };
}

/** Asks the sql-timing preload (over IPC) for its totals since the last mark; it starts again. */
function sqlTimingMark(server) {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('the sql-timing preload did not answer')), 10_000);
    const onMessage = (msg) => {
      if (msg?.type !== 'sql-timing') return;
      clearTimeout(timer);
      server.child.off('message', onMessage);
      res(msg);
    };
    server.child.on('message', onMessage);
    server.child.send({ type: 'sql-timing-mark' });
  });
}

function printSqlTiming(stats, wallSeconds, acked) {
  const list = stats.statements.sort((a, b) => b.wallNs - a.wallNs);
  const calls = list.reduce((s, e) => s + e.calls, 0);
  const exec = list.reduce((s, e) => s + e.execNs, 0) / 1e9;
  const prep = list.reduce((s, e) => s + e.prepareNs, 0) / 1e9;
  console.log(`SQL during the load phase: ${calls} queries in ${stats.transactions} transactions (${fmt(acked / Math.max(1, stats.transactions), 1)} acknowledged webhooks per transaction), ${fmt(calls / Math.max(1, acked), 2)} queries per webhook`);
  if (exec) console.log(`  inside SQLite (synchronous, on the event loop): ${fmt(exec, 2)} s exec + ${fmt(prep, 2)} s prepare = ${fmt((100 * (exec + prep)) / wallSeconds)}% of one core`);
  console.log('   calls   wall ms  max ms  exec ms  max ms  prep ms  params/call  statement');
  for (const e of list.slice(0, 20)) {
    console.log(
      `${String(e.calls).padStart(8)} ${fmt(e.wallNs / 1e6).padStart(9)} ${fmt(e.wallMaxNs / 1e6).padStart(7)} ${fmt(e.execNs / 1e6).padStart(8)} ${fmt(e.execMaxNs / 1e6).padStart(7)} ${fmt(e.prepareNs / 1e6).padStart(8)} ${fmt(e.params / Math.max(1, e.calls), 1).padStart(12)}  ${e.sql.length > 150 ? e.sql.slice(0, 147) + '...' : e.sql}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// load

/**
 * Fires webhooks n = from, from+1, … (or the ids in `list`) with autocannon.
 * Records per n whether it was acknowledged (2xx) in `state` (1 sent, 2 acked, 3 non-2xx).
 */
function fire(server, bodies, state, { duration, amount, connections, from = 0, list = null, track = true }) {
  let next = from;
  let i = 0;
  const statusCounts = new Map();
  const opts = {
    url: server.base,
    connections,
    pipelining: 1,
    timeout: 30,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest(req, context) {
          const n = list ? list[i++ % list.length] : next++;
          const b = bodies.get(n);
          context.n = n;
          if (track && state[n] === 0) state[n] = 1;
          req.body = b.body;
          req.headers = { 'content-type': 'application/json', 'x-hub-signature-256': b.sig };
          return req;
        },
        onResponse(status, _body, context) {
          statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
          if (!track) return;
          const n = context.n;
          if (status >= 200 && status < 300) state[n] = 2;
          else if (state[n] !== 2) state[n] = 3;
        },
      },
    ],
  };
  if (amount !== undefined) opts.amount = amount;
  else opts.duration = duration;
  return new Promise((res, rej) => {
    const inst = autocannon(opts, (err, result) => (err ? rej(err) : res({ result, next, statusCounts })));
    // a dying server should end the phase at once
    server.exited.then(() => inst.stop());
  });
}

// ---------------------------------------------------------------------------------------------
// one database

async function benchOne(kind, graph) {
  const workDir = mkdtempSync(join(tmpdir(), `parley-bench-${kind}-`));
  const out = { kind, ok: false, problems: [], workDir };
  let db = null;
  let server = null;
  console.log(`\n=== ${kind} ===`);
  try {
    db = await prepareDatabase(kind, workDir);
    out.label = db.label;
    console.log(`database: ${db.label}`);
    server = await startServer(kind, db.url, workDir, graph.url);
    console.log(`server:   pid ${server.child.pid} on ${server.base} (log: ${server.logFile})`);

    const signup = await http(server.base, 'POST', '/api/v1/auth/signup', {
      tenantName: 'Bench Inc',
      name: 'Bench Owner',
      email: `owner-${kind}@bench.example`,
      password: 'bench-password-123',
    });
    const channel = await http(
      server.base,
      'POST',
      '/api/v1/channels',
      { type: 'whatsapp', name: 'Bench number', config: { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, accessToken: GRAPH_TOKEN } },
      signup.accessToken,
    );
    console.log(`channel:  ${channel.id} (${channel.status})`);
    const before = await countMessages(db);
    if (before.total !== 0) out.problems.push(`fresh database already has ${before.total} messages`);

    // pre-compute bodies + signatures: a generous estimate, extended on demand
    const bodies = new Bodies(Math.floor(Date.now() / 1000));
    const estimate = Math.min(400_000, (DURATION + WARMUP) * 6_000);
    const t0 = performance.now();
    bodies.fill(estimate);
    console.log(`bodies:   ${estimate} signed webhooks pre-computed in ${fmt(performance.now() - t0)} ms (${bodies.items[0].body.length} bytes each)`);
    const state = new Uint8Array(Math.max(2_000_000, (DURATION + WARMUP) * 50_000));

    // warm-up (JIT, connection pools, first chats); acknowledged ids are verified too
    let next = 0;
    if (WARMUP > 0) {
      process.stdout.write(`warm-up:  ${WARMUP} s … `);
      const w = await fire(server, bodies, state, { duration: WARMUP, connections: CONNECTIONS, from: 0 });
      next = w.next;
      console.log(`${w.result['2xx']} acknowledged`);
    }
    const warmCount = (await settledCount(db)).total;

    // measured phase
    process.stdout.write(`load:     ${DURATION} s, ${CONNECTIONS} connections, ${CONTACTS} contacts … `);
    const cpu0 = { server: procCpuSeconds(server.child.pid), self: process.cpuUsage(), mysqld: kind === 'mysql' ? procCpuSeconds(mysqldPid()) : null };
    const mysqld = kind === 'mysql' ? mysqldPid() : null;
    const from = next;
    if (args['sql-timing']) await sqlTimingMark(server);
    const wall0 = performance.now();
    const main = await fire(server, bodies, state, { duration: DURATION, connections: CONNECTIONS, from });
    const wall = (performance.now() - wall0) / 1000;
    const cpu1 = { server: procCpuSeconds(server.child.pid), self: process.cpuUsage(cpu0.self), mysqld: mysqld ? procCpuSeconds(mysqld) : null };
    console.log('done');
    const sqlStats = args['sql-timing'] ? await sqlTimingMark(server) : null;
    const r = main.result;
    const afterMain = await settledCount(db);
    const storedMain = afterMain.total - warmCount;
    const seconds = r.duration || wall;
    out.load = {
      sent: main.next - from,
      twoxx: r['2xx'],
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statuses: Object.fromEntries(main.statusCounts),
      seconds,
      ackPerSec: r['2xx'] / seconds,
      storedPerSec: storedMain / seconds,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      cpu: {
        server: cpu0.server !== null && cpu1.server !== null ? (cpu1.server - cpu0.server) / wall : null,
        loadgen: (cpu1.self.user + cpu1.self.system) / 1e6 / wall,
        mysqld: cpu0.mysqld !== null && cpu1.mysqld !== null ? (cpu1.mysqld - cpu0.mysqld) / wall : null,
      },
    };
    const L = out.load;
    console.log(`requests sent:      ${L.sent}`);
    console.log(`2xx:                ${L.twoxx}`);
    console.log(`non-2xx:            ${L.non2xx}${L.non2xx ? ' ' + JSON.stringify(L.statuses) : ''}   errors: ${L.errors}   timeouts: ${L.timeouts}`);
    console.log(`stored messages/s:  ${fmt(L.storedPerSec)}   (acknowledged/s: ${fmt(L.ackPerSec)}, ${storedMain} stored in ${fmt(seconds, 1)} s)`);
    console.log(`ack latency (ms):   p50 ${fmt(L.p50)}   p90 ${fmt(L.p90)}   p99 ${fmt(L.p99)}   max ${fmt(L.max)}`);
    console.log(
      `CPU (cores busy):   server ${fmt(L.cpu.server, 2)}   load generator ${fmt(L.cpu.loadgen, 2)}` + (kind === 'mysql' ? `   mariadbd ${fmt(L.cpu.mysqld, 2)}` : ''),
    );
    if (sqlStats) printSqlTiming(sqlStats, wall, r['2xx']);
    if (server.exit) throw new Error(`server died during the load phase (${JSON.stringify(server.exit)}):\n${server.tail()}`);

    // Requests still in flight when the phase ended were cut off unanswered (some committed
    // anyway). Like Meta, re-send every webhook that got no 2xx until it does, so that the
    // database must hold exactly the acknowledged webhooks.
    const total = main.next;
    const cutOff = [];
    for (let n = 0; n < total; n++) if (state[n] !== 2) cutOff.push(n);
    let storedBeforeAck = 0;
    if (cutOff.length) {
      const storedNow = new Set((await db.query("SELECT external_id FROM messages WHERE external_id LIKE 'wamid.bench-%'")).map((x) => x.external_id));
      storedBeforeAck = cutOff.filter((n) => storedNow.has(externalId(n))).length;
      for (let attempt = 0; attempt < 3; attempt++) {
        const list = [];
        for (let n = 0; n < total; n++) if (state[n] !== 2) list.push(n);
        if (!list.length) break;
        await fire(server, bodies, state, { amount: list.length, connections: Math.min(CONNECTIONS, list.length), list });
      }
      await settledCount(db);
      console.log(`completion:         ${cutOff.length} webhooks unanswered when the phase ended (${storedBeforeAck} of them already stored) re-sent until acknowledged`);
    }

    // verification against the database
    const stored = new Set((await db.query("SELECT external_id FROM messages WHERE external_id LIKE 'wamid.bench-%'")).map((x) => x.external_id));
    let acked = 0;
    let lost = 0;
    let storedUnacked = 0;
    const lostSample = [];
    for (let n = 0; n < total; n++) {
      const has = stored.has(externalId(n));
      if (state[n] === 2) {
        acked++;
        if (!has) {
          lost++;
          if (lostSample.length < 5) lostSample.push(externalId(n));
        }
      } else if (has) storedUnacked++;
    }
    const counts = await countMessages(db);
    const duplicated = counts.total - counts.distinct;
    const [chats] = await db.query('SELECT COUNT(*) AS n, COUNT(DISTINCT contact_id) AS d FROM chats');
    const [contacts] = await db.query('SELECT COUNT(*) AS n FROM contacts');
    const senders = new Set();
    for (let n = 0; n < total; n++) if (stored.has(externalId(n))) senders.add(contactOf(n));
    out.verify = {
      acked,
      rows: counts.total,
      distinct: counts.distinct,
      lost,
      duplicated,
      storedUnacked,
      cutOff: cutOff.length,
      storedBeforeAck,
      chats: Number(chats.n),
      chatContacts: Number(chats.d),
      contacts: Number(contacts.n),
      senders: senders.size,
    };
    const V = out.verify;
    console.log(`database check:     ${V.rows} message rows, ${V.distinct} distinct external ids, ${V.acked} acknowledged unique webhooks (warm-up + load + completion)`);
    if (V.storedUnacked) console.log(`                    ${V.storedUnacked} stored but never acknowledged`);
    console.log(`                    ${V.contacts} contacts, ${V.chats} chats for ${V.senders} distinct senders`);
    console.log(`lost: ${lost} duplicated: ${duplicated}${lostSample.length ? '   e.g. ' + lostSample.join(', ') : ''}`);
    if (lost) out.problems.push(`${lost} acknowledged messages missing from the database`);
    if (duplicated) out.problems.push(`${duplicated} duplicated external ids`);
    if (V.rows !== V.acked) out.problems.push(`message rows (${V.rows}) ≠ acknowledged unique webhooks (${V.acked})`);
    if (V.chats !== V.senders || V.chatContacts !== V.chats) out.problems.push(`${V.chats} chats for ${V.senders} senders (${V.chatContacts} distinct contacts)`);
    if (V.contacts !== V.senders) out.problems.push(`${V.contacts} contacts for ${V.senders} senders`);
    if (L.non2xx || L.errors || L.timeouts) out.problems.push(`load phase: ${L.non2xx} non-2xx, ${L.errors} errors, ${L.timeouts} timeouts`);

    // retry phase: re-send already acknowledged webhooks, byte for byte
    if (RETRIES > 0) {
      const ackedIds = [];
      for (let n = 0; n < total; n++) if (state[n] === 2) ackedIds.push(n);
      const step = Math.max(1, Math.floor(ackedIds.length / RETRIES));
      const list = [];
      for (let k = 0; k < ackedIds.length && list.length < RETRIES; k += step) list.push(ackedIds[k]);
      process.stdout.write(`retries:  re-sending ${list.length} acknowledged webhooks … `);
      const beforeRetry = await countMessages(db);
      const rr = await fire(server, bodies, state, { amount: list.length, connections: Math.min(CONNECTIONS, list.length), list, track: false });
      const afterRetry = await settledCount(db);
      const retry2xx = rr.result['2xx'];
      out.retry = { sent: list.length, twoxx: retry2xx, non2xx: rr.result.non2xx, before: beforeRetry.total, after: afterRetry.total, p99: rr.result.latency.p99 };
      console.log(`${retry2xx} acknowledged, messages ${beforeRetry.total} → ${afterRetry.total} (${afterRetry.total === beforeRetry.total ? 'unchanged' : 'CHANGED'})`);
      if (afterRetry.total !== beforeRetry.total) out.problems.push(`retries changed the message count ${beforeRetry.total} → ${afterRetry.total}`);
      if (afterRetry.total !== afterRetry.distinct) out.problems.push('retries produced duplicated external ids');
      if (retry2xx !== list.length) out.problems.push(`retries: ${list.length - retry2xx} not acknowledged with 2xx (${JSON.stringify(Object.fromEntries(rr.statusCounts))})`);
    }

    if (server.exit) out.problems.push(`server exited unexpectedly (${JSON.stringify(server.exit)})`);
    const stop = await stopServer(server);
    out.shutdown = stop;
    if (!stop.graceful) out.problems.push(`server shutdown: exit code ${stop.code}, signal ${stop.signal}`);
    if (args['cpu-prof']) console.log(`cpu profile: ${server.profDir} (summarise: node bench/ingest/profile-summary.mjs ${server.profDir}/*.cpuprofile)`);
    server = null;
  } catch (err) {
    out.problems.push(`failed: ${String(err?.message ?? err).split('\n')[0]}`);
    console.error(`\n[${kind}] ${err?.stack ?? err}`);
  } finally {
    if (server) await stopServer(server).catch(() => {});
    await db?.close().catch(() => {});
  }
  out.ok = out.problems.length === 0;
  if (!out.ok) console.log(`problems:\n  - ${out.problems.join('\n  - ')}`);
  if (out.ok && !args.keep && !args['cpu-prof']) rmSync(workDir, { recursive: true, force: true });
  else console.log(`kept:     ${workDir}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// main

buildFakeGraphApi();
const { startFakeGraphApi } = await import(pathToFileURL(FAKE_JS).href);
const graph = await startFakeGraphApi();
graph.registerPhoneNumber(PHONE_NUMBER_ID, { accessToken: GRAPH_TOKEN, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Bench Shrub' });

console.log(`bench/ingest: node ${process.version}, ${(await import('node:os')).cpus().length} CPUs, duration ${DURATION} s, ${CONNECTIONS} connections, ${CONTACTS} contacts, ${RETRIES} retries`);
console.log(`fake Graph API: ${graph.url}`);

const results = [];
for (const kind of DBS) results.push(await benchOne(kind, graph));
await graph.close();

// summary
const rows = [
  ['database', 'sent', '2xx', 'non-2xx', 'stored msg/s', 'p50 ms', 'p90 ms', 'p99 ms', 'lost', 'dup', 'retries', 'result'],
  ...results.map((r) => [
    r.kind,
    fmt(r.load?.sent),
    fmt(r.load?.twoxx),
    fmt(r.load?.non2xx),
    fmt(r.load?.storedPerSec),
    fmt(r.load?.p50),
    fmt(r.load?.p90),
    fmt(r.load?.p99),
    fmt(r.verify?.lost),
    fmt(r.verify?.duplicated),
    r.retry ? `${r.retry.twoxx}/${r.retry.sent} ok, +${r.retry.after - r.retry.before}` : '-',
    r.ok ? 'ok' : 'FAIL',
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
const line = (row) => '| ' + row.map((c, i) => (i === 0 || i === rows[0].length - 1 || i === 10 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ') + ' |';
console.log('\n=== summary ===  (target: ≥ 2,000 stored msg/s, p99 ≤ 250 ms, nothing lost or duplicated)');
console.log(line(rows[0]));
console.log('|' + widths.map((w, i) => (i === 0 || i === 10 || i === rows[0].length - 1 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const row of rows.slice(1)) console.log(line(row));
for (const r of results) {
  if (!r.load) continue;
  const meets = r.load.storedPerSec >= 2000 && r.load.p99 <= 250;
  console.log(`${r.kind}: ${meets ? 'meets' : 'below'} the throughput/latency target`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
