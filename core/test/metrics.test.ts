/**
 * Prometheus metrics at GET /metrics: disabled without METRICS_TOKEN, bearer token enforced,
 * Prometheus text format with process metrics, HTTP durations by route template, webhook
 * outcomes and duplicates by channel type, inbound commits, outbound sends, outbox and sandbox gauges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, eventually, postWhatsApp, signup, startTestParley, textWebhook, type TestParley } from './harness.js';

const TOKEN = 'metrics-token-0123456789abcdef';

let t: TestParley;
beforeAll(async () => {
  t = await startTestParley({ METRICS_TOKEN: TOKEN, JOBS_PROCESSOR: '0', TYPING_MS_PER_CHAR: '0', TYPING_JITTER_MS: '0' });
});
afterAll(async () => {
  await t?.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Value of the sample `name{labels}` (labels in any order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  it('requires the bearer METRICS_TOKEN', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abcd' }, { authorization: TOKEN }]) {
      const r = await api(t.url, 'GET', '/metrics', { headers });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
  });

  it('answers in the Prometheus text format with process metrics, gauges and HTTP durations by route template', async () => {
    const owner = await signup(t.url, 'Metrics');
    await api(t.url, 'GET', `/api/v1/chats/${'0'.repeat(36)}`, { token: owner.accessToken });
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^# TYPE parley_http_request_duration_seconds histogram$/m);
    expect(sample(text, 'parley_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/auth/signup', status_code: '201' })).toBeGreaterThanOrEqual(1);
    // the template, not the URL with the id
    expect(sample(text, 'parley_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/chats/:id', status_code: '404' })).toBe(1);
    expect(text).not.toContain('0'.repeat(36));
    expect(text).toMatch(/^parley_outbox_backlog \d+$/m);
    expect(text).toMatch(/^parley_sandbox_workers \d+$/m);
    expect(sample(text, 'parley_sandbox_workers_configured')).toBe(t.parley.config.sandbox.workers);
  });

  it('counts webhooks accepted, refused and duplicate messages by channel type, inbound commits and outbound sends', async () => {
    const owner = await signup(t.url, 'Hooks');
    const { phoneNumberId } = await connectWhatsApp(t, owner.accessToken);
    const before = await scrape();
    const body = textWebhook(phoneNumberId, '351910000001', 'hello');
    expect((await postWhatsApp(t.url, body)).status).toBe(200);
    expect((await postWhatsApp(t.url, body)).status).toBe(200); // a provider retry
    expect((await postWhatsApp(t.url, body, { signature: 'sha256=00' })).status).toBe(401);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('parley_webhooks_total', { channel_type: 'whatsapp', outcome: 'accepted' })).toBe(2);
    expect(delta('parley_webhooks_total', { channel_type: 'whatsapp', outcome: 'refused' })).toBe(1);
    expect(delta('parley_inbound_duplicate_messages_total', { channel_type: 'whatsapp' })).toBe(1);
    expect(delta('parley_inbound_batch_requests_count')).toBe(2);
    expect(delta('parley_inbound_commit_seconds_count')).toBe(2);

    const chats = await eventually(async () => {
      const r = await api(t.url, 'GET', '/api/v1/chats', { token: owner.accessToken });
      return r.body.data.length ? r.body.data : null;
    });
    expect((await api(t.url, 'POST', `/api/v1/chats/${chats[0].id}/messages`, { token: owner.accessToken, body: { type: 'text', text: 'hi back' } })).status).toBe(202);
    await eventually(async () => sample(await scrape(), 'parley_outbound_sends_total', { channel_type: 'whatsapp', outcome: 'sent' }) - sample(before, 'parley_outbound_sends_total', { channel_type: 'whatsapp', outcome: 'sent' }) === 1);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is not served (404 NOT_FOUND)', async () => {
    const t0 = await startTestParley({ JOBS_PROCESSOR: '0' });
    try {
      const r = await api(t0.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    } finally {
      await t0.close();
    }
  });
});
