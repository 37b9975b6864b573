#!/usr/bin/env node
/**
 * bench/inbox: server time of the inbox's read endpoints on a large tenant (issue 3, "Checks").
 *
 *   node bench/inbox/run.mjs [--db sqlite|mysql|both] [--chats 100000] [--messages-per-chat 10]
 *                            [--requests 200] [--warmup 20] [--mysql-url mysql://root@127.0.0.1:3306]
 *                            [--mysql-db parley_bench_inbox] [--explain] [--keep]
 *
 * Per database: starts `core/dist/core/src/main.js` on a fresh database (migrations run), signs
 * up a tenant with 5 agents, stops it, seeds the database directly (100,000 chats, 1,000,000
 * messages, 100,000 contacts, tags), starts it again and times, sequentially, `--requests` calls
 * of each scenario (after `--warmup` unmeasured ones) from this process over loopback: the first
 * chat-list page without and with filters, opening a chat (the chat + its last 50 messages), and
 * search. Prints p50/p95/max in ms. `--explain` prints the query plans of the list and search SQL.
 * Target (issue 3): p95 ≤ 50 ms for list and open. Exits 1 only when a request fails.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_JS = join(ROOT, 'core/dist/core/src/main.js');

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    chats: { type: 'string', default: '100000' },
    'messages-per-chat': { type: 'string', default: '10' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'mysql-url': { type: 'string', default: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306' },
    'mysql-db': { type: 'string', default: 'parley_bench_inbox' },
    explain: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const CHATS = Number(args.chats);
const PER_CHAT = Number(args['messages-per-chat']);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const DBS = args.db === 'both' ? ['sqlite', 'mysql'] : [args.db];
if (!existsSync(MAIN_JS)) {
  console.error('core/dist is missing: run `npm run build` first');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// helpers

/** UUIDv7-like ids (time-ordered), as core's newId(). */
let lastMs = 0;
let seq = 0;
function idAt(ms) {
  if (ms === lastMs) seq++;
  else (lastMs = ms), (seq = 0);
  const h = ms.toString(16).padStart(12, '0');
  const r = randomBytes(10).toString('hex');
  const s = (seq & 0xfff).toString(16).padStart(3, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${s}-${((parseInt(r[0], 16) & 3) | 8).toString(16)}${r.slice(1, 4)}-${r.slice(4, 16)}`;
}

let rngState = 42;
const rand = () => ((rngState = (rngState * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (a) => a[Math.floor(rand() * a.length)];

const FIRST = ['Ana', 'João', 'Marta', 'Sofia', 'Diego', 'Rui', 'Inês', 'Pedro', 'Lucía', 'Carlos', 'Fatima', 'Omar', 'Mei', 'Ivan', 'Olga', 'Tiago', 'Beatriz', 'Hugo', 'Clara', 'Nuno'];
const LAST = ['Silva', 'Santos', 'Pereira', 'Costa', 'Almeida', 'Ramírez', 'García', 'Haddad', 'Chen', 'Petrov', 'Reis', 'Lopes', 'Moreira', 'Nunes', 'Ferreira'];
const WORDS = 'hello order delivery price bike repair size blue red tomorrow today pickup thanks please available shop open close weekend invoice payment refund rack helmet wheel brake chain light lock'.split(' ');
const RARE = 'zebracorn';

function sentence(i) {
  const n = 4 + Math.floor(rand() * 10);
  const w = [];
  for (let k = 0; k < n; k++) w.push(pick(WORDS));
  if (i % 20_000 === 7) w.push(RARE); // ~50 messages in 1M carry a rare word
  return w.join(' ');
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function startServer(dbUrl, dataDir) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  const child = spawn(process.execPath, ['--no-node-snapshot', MAIN_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  child.stdout.on('data', (c) => (tail = (tail + c).slice(-4000)));
  child.stderr.on('data', (c) => (tail = (tail + c).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${tail}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start: ${tail}`);
    await sleep(200);
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
    },
  };
}

async function call(base, token, path, method = 'GET', body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// ---------------------------------------------------------------------------------------------
// seeding (direct SQL: same columns as the migrations)

function* rows(ctx) {
  const { tenantId, channelId, stageIds, userIds, tagIds } = ctx;
  const now = Date.now();
  const span = 90 * 24 * 3600_000;
  for (let i = 0; i < CHATS; i++) {
    const created = now - span + Math.floor((i / CHATS) * span);
    const contactId = idAt(created);
    const chatId = idAt(created + 1);
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const phone = `3519${String(10_000_000 + i).padStart(8, '0')}`;
    const contact = [contactId, tenantId, name, phone, null, null, null, null, created, created];
    const identity = [idAt(created + 2), tenantId, contactId, channelId, phone, phone, null, created];
    const msgs = [];
    let t = created;
    let lastText = null;
    let lastIn = null;
    for (let k = 0; k < PER_CHAT; k++) {
      t += 1000 + Math.floor(rand() * 600_000);
      const dir = k % 3 === 2 ? 'out' : 'in';
      const text = sentence(i * PER_CHAT + k);
      const mid = idAt(t);
      msgs.push([mid, tenantId, chatId, channelId, dir, dir === 'in' ? 'contact' : 'agent', dir === 'in' ? null : pick(userIds), 'text', text, null, null, dir === 'in' ? 'received' : 'read', null, `wamid.b${i}.${k}`, null, null, t, t, null, null, null, null, 0, null, null]);
      lastText = text;
      if (dir === 'in') lastIn = { t, ext: `wamid.b${i}.${k}` };
    }
    const r = rand();
    const status = r < 0.2 ? 'open' : r < 0.3 ? 'pending' : 'resolved';
    const assignee = rand() < 0.3 ? null : pick(userIds);
    const unread = rand() < 0.1 ? 1 + Math.floor(rand() * 5) : 0;
    const chat = [chatId, tenantId, channelId, contactId, assignee, status, pick(stageIds), unread, t, lastText.slice(0, 500), lastIn?.t ?? null, lastIn?.ext ?? null, created, t];
    const tags = rand() < 0.05 ? [[chatId, tagIds[0], tenantId]] : rand() < 0.1 ? [[chatId, pick(tagIds.slice(1)), tenantId]] : [];
    yield { contact, identity, chat, msgs, tags, chatId };
  }
}

const COLS = {
  contacts: ['id', 'tenant_id', 'name', 'phone', 'email', 'username', 'avatar_url', 'attributes_json', 'created_at', 'updated_at'],
  contact_identities: ['id', 'tenant_id', 'contact_id', 'channel_id', 'external_id', 'phone', 'username', 'created_at'],
  chats: ['id', 'tenant_id', 'channel_id', 'contact_id', 'assignee_id', 'status', 'stage_id', 'unread_count', 'last_message_at', 'last_message_preview', 'last_inbound_at', 'last_inbound_external_id', 'created_at', 'updated_at'],
  messages: ['id', 'tenant_id', 'chat_id', 'channel_id', 'direction', 'sender_type', 'sender_id', 'type', 'text', 'media_json', 'content_json', 'status', 'error_json', 'external_id', 'reply_to_external_id', 'reaction_to_id', 'created_at', 'provider_at', 'sent_at', 'delivered_at', 'read_at', 'failed_at', 'attempts', 'next_attempt_at', 'lease_until'],
  chat_tags: ['chat_id', 'tag_id', 'tenant_id'],
};

function seedSqlite(file, ctx) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const stmt = Object.fromEntries(Object.entries(COLS).map(([t, c]) => [t, db.prepare(`INSERT INTO ${t} (${c.join(',')}) VALUES (${c.map(() => '?').join(',')})`)]));
  const sample = [];
  const insertAll = db.transaction((batch) => {
    for (const r of batch) {
      stmt.contacts.run(r.contact);
      stmt.contact_identities.run(r.identity);
      stmt.chats.run(r.chat);
      for (const m of r.msgs) stmt.messages.run(m);
      for (const tg of r.tags) stmt.chat_tags.run(tg);
    }
  });
  let batch = [];
  for (const r of rows(ctx)) {
    batch.push(r);
    if (rand() < 0.002) sample.push(r.chatId);
    if (batch.length === 5000) insertAll(batch.splice(0));
  }
  insertAll(batch);
  db.exec('ANALYZE');
  db.close();
  return sample;
}

async function seedMysql(url, ctx) {
  const c = await mysql.createConnection(url);
  await c.query('SET unique_checks = 0, foreign_key_checks = 0');
  const sample = [];
  const buf = Object.fromEntries(Object.keys(COLS).map((t) => [t, []]));
  const flush = async (t) => {
    if (!buf[t].length) return;
    await c.query(`INSERT INTO ${t} (${COLS[t].join(',')}) VALUES ?`, [buf[t]]);
    buf[t] = [];
  };
  let n = 0;
  await c.beginTransaction();
  for (const r of rows(ctx)) {
    buf.contacts.push(r.contact);
    buf.contact_identities.push(r.identity);
    buf.chats.push(r.chat);
    buf.messages.push(...r.msgs);
    buf.chat_tags.push(...r.tags);
    if (rand() < 0.002) sample.push(r.chatId);
    if (++n % 1000 === 0) {
      for (const t of Object.keys(COLS)) await flush(t);
      if (n % 20000 === 0) {
        await c.commit();
        await c.beginTransaction();
      }
    }
  }
  for (const t of Object.keys(COLS)) await flush(t);
  await c.commit();
  for (const t of Object.keys(COLS)) await c.query(`ANALYZE TABLE ${t}`);
  await c.end();
  return sample;
}

// ---------------------------------------------------------------------------------------------
// measuring

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(name, fn) {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1] };
}

async function explain(kind, ctx, dbHandle) {
  // the SQL of ConversationsRepository.listChats (order on last_message_at; q as two queries)
  const T = `c.tenant_id = '${ctx.tenantId}'`;
  const order = 'ORDER BY c.last_message_at DESC, c.id DESC LIMIT 51';
  const byMessage = kind === 'sqlite'
    ? `c.id IN (SELECT m.chat_id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH '"${RARE}"*' AND m.tenant_id = '${ctx.tenantId}')`
    : `c.id IN (SELECT m.chat_id FROM messages m WHERE MATCH(m.text) AGAINST ('+${RARE}*' IN BOOLEAN MODE) AND m.tenant_id = '${ctx.tenantId}')`;
  const queries = {
    'list (no filter)': `SELECT c.id FROM chats c WHERE ${T} ${order}`,
    'list status=open': `SELECT c.id FROM chats c WHERE ${T} AND c.status = 'open' ${order}`,
    'list unassigned': `SELECT c.id FROM chats c WHERE ${T} AND c.assignee_id IS NULL ${order}`,
    'search q: contacts': `SELECT c.id FROM chats c WHERE ${T} AND c.contact_id IN (SELECT k.id FROM contacts k WHERE k.tenant_id = '${ctx.tenantId}' AND (k.name LIKE '%Silva%' OR k.phone LIKE '%Silva%')) ${order}`,
    'search q: messages, rare word (index first)': `SELECT c.id FROM chats c WHERE ${T} AND ${byMessage} ${order}`,
    'search q: messages, common word (walk)': kind === 'sqlite'
      ? `SELECT c.id FROM chats c WHERE ${T} AND EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = '${ctx.tenantId}' AND m.chat_id = c.id AND m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH '"helmet"*')) ${order}`
      : `SELECT c.id FROM chats c WHERE ${T} AND EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = '${ctx.tenantId}' AND m.chat_id = c.id AND m.text REGEXP '(^|[^[:alnum:]])helmet') ${order}`,
    'open: last 50 messages': `SELECT m.id FROM messages m WHERE m.tenant_id = '${ctx.tenantId}' AND m.chat_id = '${ctx.sample[0]}' ORDER BY m.id DESC LIMIT 51`,
  };
  for (const [name, sql] of Object.entries(queries)) {
    console.log(`  EXPLAIN ${name}:`);
    if (kind === 'sqlite') for (const r of dbHandle.prepare(`EXPLAIN QUERY PLAN ${sql}`).all()) console.log(`    ${r.detail}`);
    else {
      const [rs] = await dbHandle.query(`EXPLAIN ${sql}`);
      for (const r of rs) console.log(`    ${r.table} type=${r.type} key=${r.key} rows=${r.rows} ${r.Extra ?? ''}`);
    }
  }
}

async function runOne(kind) {
  const work = mkdtempSync(join(tmpdir(), 'parley-bench-inbox-'));
  let dbUrl;
  let mysqlDbUrl;
  if (kind === 'sqlite') dbUrl = `sqlite:${join(work, 'parley.sqlite')}`;
  else {
    const admin = await mysql.createConnection(args['mysql-url']);
    await admin.query(`DROP DATABASE IF EXISTS ${args['mysql-db']}`);
    await admin.query(`CREATE DATABASE ${args['mysql-db']} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const u = new URL(args['mysql-url']);
    u.pathname = `/${args['mysql-db']}`;
    dbUrl = mysqlDbUrl = u.toString();
  }
  const dataDir = join(work, 'data');
  console.log(`\n== ${kind === 'sqlite' ? 'SQLite' : 'MariaDB/MySQL'} ==`);
  let server = await startServer(dbUrl, dataDir);
  const email = `bench-${randomBytes(3).toString('hex')}@example.test`;
  const s = await (await fetch(`${server.base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantName: 'Bench', name: 'Owner', email, password: 'correct horse battery' }) })).json();
  const token = s.accessToken;
  const tenantId = s.tenant.id;
  const userIds = [s.user.id];
  for (let i = 0; i < 5; i++) userIds.push((await call(server.base, token, '/api/v1/users', 'POST', { name: `Agent ${i}`, email: `a${i}-${email}`, password: 'correct horse battery', role: 'agent' })).id);
  const stageIds = (await call(server.base, token, '/api/v1/funnels')).data[0].stages.map((x) => x.id);
  const tagIds = [];
  for (const n of ['vip', 'pickup', 'repair', 'wholesale']) tagIds.push((await call(server.base, token, '/api/v1/tags', 'POST', { name: n })).id);
  await server.stop();

  // a channel row, then the bulk
  const channelId = idAt(Date.now());
  const ctx = { tenantId, channelId, stageIds, userIds, tagIds };
  const channelRow = [channelId, tenantId, 'whatsapp', 'Bench number', 'connected', '106540352242922', '{"phoneNumberId":"106540352242922","wabaId":"1"}', null, null, Date.now(), Date.now()];
  const channelSql = 'INSERT INTO channels (id, tenant_id, type, name, status, account_id, config_json, secrets_enc, info_json, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)';
  const t0 = performance.now();
  let sample;
  if (kind === 'sqlite') {
    const file = dbUrl.slice('sqlite:'.length);
    const db = new Database(file);
    db.prepare(channelSql).run(channelRow);
    db.close();
    sample = seedSqlite(file, ctx);
  } else {
    const c = await mysql.createConnection(mysqlDbUrl);
    await c.query(channelSql, channelRow);
    await c.end();
    sample = await seedMysql(mysqlDbUrl, ctx);
  }
  ctx.sample = sample;
  console.log(`seeded ${CHATS.toLocaleString('en')} chats, ${(CHATS * PER_CHAT).toLocaleString('en')} messages, ${CHATS.toLocaleString('en')} contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (args.explain) {
    if (kind === 'sqlite') {
      const db = new Database(dbUrl.slice('sqlite:'.length), { readonly: true });
      await explain(kind, ctx, db);
      db.close();
    } else {
      const c = await mysql.createConnection(mysqlDbUrl);
      await explain(kind, ctx, c);
      await c.end();
    }
  }

  server = await startServer(dbUrl, dataDir);
  const me = s.user.id;
  const results = [];
  const get = (p) => call(server.base, token, p);
  try {
    results.push(await measure('list: first page, no filter', () => get('/api/v1/chats?limit=50')));
    results.push(await measure('list: status=open', () => get('/api/v1/chats?limit=50&status=open')));
    results.push(await measure('list: assignee=me, open', () => get(`/api/v1/chats?limit=50&assigneeId=${me}&status=open`)));
    results.push(await measure('list: unassigned', () => get('/api/v1/chats?limit=50&assigneeId=none')));
    results.push(await measure('list: stage', () => get(`/api/v1/chats?limit=50&stageId=${stageIds[1]}`)));
    results.push(await measure('list: tag=vip', () => get('/api/v1/chats?limit=50&tag=vip')));
    results.push(await measure('list: unread only', () => get('/api/v1/chats?limit=50&unread=true')));
    results.push(await measure('list: channel + last 7 days', () => get(`/api/v1/chats?limit=50&channelId=${channelId}&from=${new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10)}`)));
    results.push(await measure('list: page 2 (cursor)', async () => {
      const p1 = await get('/api/v1/chats?limit=50');
      return get(`/api/v1/chats?limit=50&cursor=${encodeURIComponent(p1.nextCursor)}`);
    }));
    results.push(await measure('open: chat + last 50 messages', async (i) => {
      const id = sample[i % sample.length];
      await Promise.all([get(`/api/v1/chats/${id}`), get(`/api/v1/chats/${id}/messages?limit=50`)]);
    }));
    results.push(await measure('open: last 50 messages only', (i) => get(`/api/v1/chats/${sample[(i * 7) % sample.length]}/messages?limit=50`)));
    const searchN = Math.max(5, Math.floor(REQUESTS / 10));
    const saved = [REQUESTS, WARMUP];
    const small = async (name, fn) => {
      const r = { REQUESTS, WARMUP };
      void r;
      return measureN(name, fn, searchN);
    };
    results.push(await small('search: contact name (common)', () => get('/api/v1/chats?limit=50&q=Silva')));
    results.push(await small('search: phone digits', () => get('/api/v1/chats?limit=50&q=35191004')));
    results.push(await small('search: common word in messages', () => get('/api/v1/chats?limit=50&q=helmet')));
    results.push(await small('search: two words', () => get('/api/v1/chats?limit=50&q=helmet%20refund')));
    results.push(await small('search: word prefix', () => get('/api/v1/chats?limit=50&q=deliv')));
    results.push(await small(`search: rare word (${RARE}, ~50 messages)`, () => get(`/api/v1/chats?limit=50&q=${RARE}`)));
    results.push(await small('search: no match', () => get('/api/v1/chats?limit=50&q=qwxyzzy')));
    void saved;
  } finally {
    await server.stop();
  }
  console.log(`\n| ${kind === 'sqlite' ? 'SQLite' : 'MariaDB'} scenario | p50 ms | p95 ms | max ms |`);
  console.log('|:--|--:|--:|--:|');
  for (const r of results) console.log(`| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`);
  if (!args.keep) {
    rmSync(work, { recursive: true, force: true });
    if (kind === 'mysql') {
      const admin = await mysql.createConnection(args['mysql-url']);
      await admin.query(`DROP DATABASE IF EXISTS ${args['mysql-db']}`);
      await admin.end();
    }
  } else console.log(`kept ${work}`);
  return results;
}

async function measureN(name, fn, n) {
  for (let i = 0; i < Math.min(3, WARMUP); i++) await fn(i);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name: `${name} (n=${n})`, p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1] };
}

console.log(`bench/inbox: ${CHATS.toLocaleString('en')} chats × ${PER_CHAT} messages; ${REQUESTS} timed requests per scenario after ${WARMUP} warm-up (search: ${Math.max(5, Math.floor(REQUESTS / 10))})`);
console.log('times are measured by the client over loopback, one request at a time (server time + ~0.3 ms of HTTP)');
let failed = false;
for (const kind of DBS) {
  try {
    await runOne(kind);
  } catch (err) {
    failed = true;
    console.error(`${kind}: ${err.stack ?? err}`);
  }
}
process.exit(failed ? 1 : 0);
