/**
 * Integration-test harness: boots a real Parley (SQLite in a temp folder, or a fresh MySQL/
 * MariaDB database when TEST_MYSQL_URL is set) with a fake Graph API, and offers helpers to
 * sign up, connect WhatsApp channels and post signed webhooks over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, createHmac } from 'node:crypto';
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import { createParleyApp, type ParleyApp } from '../src/app.factory.js';
import { startFakeGraphApi, type FakeGraphApi } from '../../testing/fake-graph-api.js';

export const APP_SECRET = 'test_app_secret';
export const VERIFY_TOKEN = 'test_verify_token';

/** One database for a test file: SQLite file path or a MySQL URL of a fresh database. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
  dialect: 'sqlite' | 'mysql';
}

/** Creates an empty database on the dialect under test. */
export async function createTestDatabase(dataDir: string): Promise<TestDatabase> {
  const base = process.env.TEST_MYSQL_URL;
  if (!base) return { url: `sqlite:${join(dataDir, 'parley.sqlite')}`, drop: async () => {}, dialect: 'sqlite' };
  const name = `parley_t_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dialect: 'mysql',
    drop: async () => {
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

export interface TestParley {
  url: string;
  parley: ParleyApp;
  graph: FakeGraphApi;
  dataDir: string;
  db: TestDatabase;
  /** Restarts the app on the same database and data folder (simulated restart). */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** Boots Parley for a test file. `env` overrides defaults (e.g. TYPING_JITTER_MS). */
export async function startTestParley(env: Record<string, string> = {}, shared?: { graph?: FakeGraphApi }): Promise<TestParley> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const db = await createTestDatabase(dataDir);
  const graph = shared?.graph ?? (await startFakeGraphApi());
  const makeEnv = (extra: Record<string, string> = {}) => ({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    META_GRAPH_URL: graph.url,
    LOG_LEVEL: 'silent',
    TYPING_JITTER_MS: '50',
    ...env,
    ...extra,
  });
  const boot = async (extra?: Record<string, string>) => {
    const parley = await createParleyApp(makeEnv(extra), { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    const url = await parley.listen();
    return { parley, url };
  };
  const t = { ...(await boot()), graph, dataDir, db } as TestParley;
  t.restart = async (extra) => {
    await t.parley.close();
    Object.assign(t, await boot(extra));
  };
  t.close = async () => {
    await t.parley.close();
    if (!shared?.graph) await graph.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return t;
}

/** JSON request helper: returns status and parsed body. */
export async function api(base: string, method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* plain text */
  }
  return { status: res.status, body, headers: res.headers };
}

let seq = 0;
/** Signs up a fresh tenant; returns its token, user and tenant. */
export async function signup(base: string, name = 'Acme') {
  seq++;
  const r = await api(base, 'POST', '/api/v1/auth/signup', {
    body: { tenantName: `${name} ${seq}`, name: `Owner ${seq}`, email: `owner${seq}-${randomBytes(3).toString('hex')}@example.test`, password: 'correct horse battery' },
  });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { accessToken: string; user: { id: string; role: string }; tenant: { id: string } };
}

/** Registers a number on the fake Graph API and connects it as a WhatsApp channel. */
export async function connectWhatsApp(t: TestParley, token: string, phoneNumberId = String(100000000000000 + Math.floor(Math.random() * 1e12))) {
  const accessToken = `EAAG-${randomBytes(6).toString('hex')}`;
  t.graph.registerPhoneNumber(phoneNumberId, { accessToken, displayPhoneNumber: '15550783881', verifiedName: 'Acme' });
  const r = await api(t.url, 'POST', '/api/v1/channels', { token, body: { type: 'whatsapp', name: 'Main number', config: { phoneNumberId, wabaId: '102290129340398', accessToken } } });
  if (r.status !== 201) throw new Error(`channel failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { channel: r.body as { id: string; accountId: string }, phoneNumberId, accessToken };
}

/** `sha256=<hex>` Meta signature over the exact bytes. */
export function sign(raw: string | Buffer, secret = APP_SECRET): string {
  return 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
}

/** Posts a webhook body (object → JSON) to `/webhooks/whatsapp`, signed unless `signature` is given. */
export async function postWhatsApp(base: string, body: unknown, opts: { signature?: string | null } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = opts.signature === undefined ? sign(raw) : opts.signature;
  if (sig) headers['x-hub-signature-256'] = sig;
  const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}

/** A WhatsApp text webhook in the Cloud API format (fixture webhook_text__meta_docs.json). */
export function textWebhook(phoneNumberId: string, from: string, text: string, id = `wamid.${randomBytes(12).toString('hex')}`, name = 'Sheena Nelson', ts = Math.floor(Date.now() / 1000)) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id, timestamp: String(ts), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

/** Replaces every `phone_number_id` in a fixture with `phoneNumberId`. */
export function retarget<T>(fixture: T, phoneNumberId: string): T {
  const copy = JSON.parse(JSON.stringify(fixture));
  for (const e of copy.entry ?? []) for (const c of e.changes ?? []) if (c.value?.metadata) c.value.metadata.phone_number_id = phoneNumberId;
  return copy;
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
