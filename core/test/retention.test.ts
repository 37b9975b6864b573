/**
 * Retention (core/src/ops): old webhook_events rows, finished failed one-off jobs and the flow log are deleted
 * in batches by age, newer rows stay, whatever their tenant; the hourly job is scheduled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Database } from '../src/database/database.service.js';
import { RETENTION_INTERVAL, RETENTION_JOB, RetentionService } from '../src/ops/retention.service.js';
import { startTestParley, type TestParley } from './harness.js';

const DAY = 24 * 3600 * 1000;

describe('retention', () => {
  let t: TestParley;
  let db: Database;
  let retention: RetentionService;

  beforeAll(async () => {
    // no job processor: the retention job, due at start, would race the assertions
    t = await startTestParley({ WEBHOOK_EVENTS_RETENTION_DAYS: '30', JOBS_RETENTION_DAYS: '7', FLOW_LOG_RETENTION_DAYS: '90', JOBS_PROCESSOR: '0' });
    db = t.parley.app.get(Database);
    retention = t.parley.app.get(RetentionService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const insertEvent = (tenantId: string, receivedAt: number) => {
    const id = randomUUID();
    return db.manager.query('INSERT INTO webhook_events (id, tenant_id, channel_id, channel_type, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)', [id, tenantId, randomUUID(), 'whatsapp', '{}', receivedAt]).then(() => id);
  };
  const eventIds = async (): Promise<string[]> => (await db.manager.query('SELECT id FROM webhook_events')).map((r: { id: string }) => r.id).sort();

  it('deletes webhook events older than WEBHOOK_EVENTS_RETENTION_DAYS for every tenant, in batches, and keeps newer ones', async () => {
    const now = Date.now();
    const [a, b] = [randomUUID(), randomUUID()];
    const old: string[] = [];
    for (let i = 0; i < 7; i++) old.push(await insertEvent(i % 2 ? a : b, now - 31 * DAY - i * 1000));
    const kept = [await insertEvent(a, now - 29 * DAY), await insertEvent(b, now - 29 * DAY), await insertEvent(b, now)];
    // batches of 3: 3 + 3 + 1
    const deleted = await retention.prune({ table: 'webhook_events', column: 'received_at' }, now - 30 * DAY, 3);
    expect(deleted).toBe(7);
    expect(await eventIds()).toEqual([...kept].sort());
    // the configured pass (30 days) finds nothing more
    expect((await retention.pruneAll(now)).webhook_events).toBe(0);
    // 29 days later the remaining old rows of both tenants go, the fresh one stays
    expect((await retention.pruneAll(now + 2 * DAY)).webhook_events).toBe(2);
    expect(await eventIds()).toEqual([kept[2]]);
  });

  it('deletes finished one-off jobs older than JOBS_RETENTION_DAYS, never scheduled or recurring ones', async () => {
    const now = Date.now();
    const insertJob = async (name: string, type: string, nextRunAt: number | null, lastFinishedAt: number | null) => {
      await db.manager.query('INSERT INTO jobs (id, name, priority, type, next_run_at, last_finished_at, failed_at, fail_count, created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?)', [
        randomUUID(), name, type, nextRunAt, lastFinishedAt, lastFinishedAt, lastFinishedAt ? 1 : null, now - 30 * DAY, now - 30 * DAY,
      ]);
    };
    await insertJob('t.failed-old', 'normal', null, now - 8 * DAY);
    await insertJob('t.failed-new', 'normal', null, now - 6 * DAY);
    await insertJob('t.pending', 'normal', now + DAY, null);
    await insertJob('t.retry', 'normal', now + DAY, now - 8 * DAY);
    await insertJob('t.recurring', 'single', null, now - 8 * DAY);
    const report = await retention.pruneAll(now);
    expect(report.jobs).toBe(1);
    const names = (await db.manager.query("SELECT name FROM jobs WHERE name LIKE 't.%' ORDER BY name")).map((r: { name: string }) => r.name);
    expect(names).toEqual(['t.failed-new', 't.pending', 't.recurring', 't.retry']);
  });

  it('deletes flow node executions and finished runs older than FLOW_LOG_RETENTION_DAYS; waiting runs stay', async () => {
    const now = Date.now();
    const tenant = randomUUID();
    const flow = randomUUID();
    const insertRun = async (status: string, updatedAt: number, finishedAt: number | null, activeChat: string | null) => {
      const id = randomUUID();
      await db.manager.query(
        "INSERT INTO flow_runs (id, tenant_id, flow_id, mode, status, vars_json, state_json, transcript_json, graph_json, contact_json, active_chat_key, steps, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'live', ?, '{}', '{}', '[]', 'null', 'null', ?, 1, ?, ?, ?)",
        [id, tenant, flow, status, activeChat, updatedAt, updatedAt, finishedAt],
      );
      return id;
    };
    const insertStep = (runId: string, startedAt: number) =>
      db.manager.query("INSERT INTO flow_steps (id, tenant_id, run_id, flow_id, node_id, node_type, started_at, finished_at, outcome) VALUES (?, ?, ?, ?, 'n1', 'send.text', ?, ?, 'ok')", [randomUUID(), tenant, runId, flow, startedAt, startedAt]);
    const oldDone = await insertRun('completed', now - 91 * DAY, now - 91 * DAY, null);
    const oldWaiting = await insertRun('waiting', now - 91 * DAY, null, randomUUID());
    const newDone = await insertRun('failed', now - 10 * DAY, now - 10 * DAY, null);
    await insertStep(oldDone, now - 91 * DAY);
    await insertStep(oldWaiting, now - 91 * DAY);
    await insertStep(newDone, now - 10 * DAY);
    const report = await retention.pruneAll(now);
    expect(report).toMatchObject({ flow_steps: 2, flow_runs: 1 });
    const runs = (await db.manager.query('SELECT id FROM flow_runs WHERE tenant_id = ?', [tenant])).map((r: { id: string }) => r.id).sort();
    expect(runs).toEqual([oldWaiting, newDone].sort());
    expect(await db.manager.query('SELECT run_id FROM flow_steps WHERE tenant_id = ?', [tenant])).toEqual([{ run_id: newDone }]);
  });

  it('schedules the hourly retention job once, due now on first start', async () => {
    const rows = await db.manager.query('SELECT name, type, repeat_interval, next_run_at FROM jobs WHERE name = ?', [RETENTION_JOB]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'single', repeat_interval: RETENTION_INTERVAL });
    expect(rows[0].next_run_at).not.toBeNull();
  });

  it('keeps rows forever with 0 days', async () => {
    const t0 = await startTestParley({ WEBHOOK_EVENTS_RETENTION_DAYS: '0', JOBS_RETENTION_DAYS: '0', FLOW_LOG_RETENTION_DAYS: '0', JOBS_PROCESSOR: '0' });
    try {
      const d = t0.parley.app.get(Database);
      await d.manager.query('INSERT INTO webhook_events (id, tenant_id, channel_id, channel_type, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)', [randomUUID(), randomUUID(), randomUUID(), 'whatsapp', '{}', 1]);
      expect(await t0.parley.app.get(RetentionService).pruneAll()).toEqual({ revoked_tokens: 0 });
      expect(await d.manager.query('SELECT id FROM webhook_events')).toHaveLength(1);
    } finally {
      await t0.close();
    }
  });
});
