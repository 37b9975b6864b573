/**
 * Group commit of flow steps: steps of concurrent runs share a transaction, yet each run's state
 * and log row are committed before it goes on; a run moved on by another worker gets a
 * StaleRunError without spoiling the batch; a step whose effects fail fails alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/database/database.service.js';
import { FlowEngine } from '../src/flows/engine.js';
import { RunsRepository, StaleRunError, type RunRow } from '../src/flows/runs.repository.js';
import { startTestParley, type TestParley } from './harness.js';
import { e, n } from './flows-fixtures.js';

let t: TestParley;
const db = () => t.parley.app.get(Database);
const graph = { nodes: [n('t', 'trigger.message'), ...Array.from({ length: 10 }, (_, i) => n(`v${i}`, 'data.set_variable', { variable: `v${i}`, value: `{{vars.seed}}-${i}` }))], edges: Array.from({ length: 10 }, (_, i) => e(i ? `v${i - 1}` : 't', `v${i}`)) };

beforeAll(async () => {
  t = await startTestParley();
});
afterAll(async () => {
  await t?.close();
});

async function newRun(mode: RunRow['mode'] = 'simulation', extra: Partial<RunRow> = {}): Promise<RunRow> {
  const engine = t.parley.app.get(FlowEngine);
  const run = engine.newRun({ tenantId: 'commit-test', flowId: 'f', versionId: null, mode, chatId: null, contactId: null, channelId: null, node: graph.nodes[0], messageId: null, graph });
  Object.assign(run, extra);
  expect(await t.parley.app.get(RunsRepository).insert(run)).toBe(true);
  return run;
}

describe('group commit of steps', () => {
  it('runs many runs concurrently with every step and log row committed', async () => {
    const engine = t.parley.app.get(FlowEngine);
    const runs = await Promise.all(Array.from({ length: 24 }, () => newRun()));
    runs.forEach((r, i) => (r.vars = { seed: i }));
    const done = await Promise.all(runs.map((r) => engine.advance(r, graph, { id: null, type: 'text', text: 'go' }, false)));
    expect(done.every((r) => r.status === 'completed' && r.steps === 11)).toBe(true);
    for (const [i, r] of runs.entries()) {
      const row = (await db().manager.query('SELECT status, steps, vars_json FROM flow_runs WHERE id = ?', [r.id]))[0];
      expect(row.status).toBe('completed');
      expect(Number(row.steps)).toBe(11);
      expect(JSON.parse(row.vars_json).v9).toBe(`${i}-9`);
      const steps = await db().manager.query('SELECT node_id FROM flow_steps WHERE run_id = ? ORDER BY id', [r.id]);
      expect(steps.map((s: { node_id: string }) => s.node_id)).toEqual(['t', ...Array.from({ length: 10 }, (_, k) => `v${k}`)]);
    }
  });

  it('a stale step and a failing step fail alone; the rest of the batch commits', async () => {
    const repo = t.parley.app.get(RunsRepository);
    const good = await Promise.all([newRun(), newRun(), newRun()]);
    const stale = await newRun();
    // a live run whose chat does not exist: queuing its bot message violates the message's keys
    const broken = await newRun('live', { chatId: 'no-such-chat', channelId: null, contactId: null });
    const step = (r: RunRow, prev: number) => {
      r.steps = prev + 1;
      r.vars = { at: prev + 1 };
      return repo.commitStep(r, prev, { nodeId: 't', nodeType: 'trigger.message', startedAt: Date.now(), finishedAt: Date.now(), outcome: 'ok', branch: 'out' }, r === broken ? [{ kind: 'send', message: { type: 'text', text: 'x' } }] : []);
    };
    const results = await Promise.allSettled([step(good[0], 0), step(stale, 5), step(good[1], 0), step(broken, 0), step(good[2], 0)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleRunError);
    expect((results[3] as PromiseRejectedResult).reason).not.toBeInstanceOf(StaleRunError);
    for (const r of good) {
      expect(Number((await db().manager.query('SELECT steps FROM flow_runs WHERE id = ?', [r.id]))[0].steps)).toBe(1);
      expect((await db().manager.query('SELECT id FROM flow_steps WHERE run_id = ?', [r.id])).length).toBe(1);
    }
    for (const r of [stale, broken]) {
      expect(Number((await db().manager.query('SELECT steps FROM flow_runs WHERE id = ?', [r.id]))[0].steps)).toBe(0);
      expect((await db().manager.query('SELECT id FROM flow_steps WHERE run_id = ?', [r.id])).length).toBe(0);
    }
  });

  it('a batch of bare steps (no effects: the MySQL two-round-trip path) with a stale step commits the others, and a lone bare step commits', async () => {
    const repo = t.parley.app.get(RunsRepository);
    const good = await Promise.all([newRun(), newRun(), newRun()]);
    const stale = await newRun();
    const step = (r: RunRow, prev: number) => {
      r.steps = prev + 1;
      r.vars = { at: prev + 1 };
      return repo.commitStep(r, prev, { nodeId: 't', nodeType: 'trigger.message', startedAt: Date.now(), finishedAt: Date.now(), outcome: 'ok', branch: 'out' }, []);
    };
    const results = await Promise.allSettled([step(good[0], 0), step(stale, 7), step(good[1], 0), step(good[2], 0)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleRunError);
    for (const r of good) {
      const row = (await db().manager.query('SELECT steps, vars_json FROM flow_runs WHERE id = ?', [r.id]))[0];
      expect(Number(row.steps)).toBe(1);
      expect(JSON.parse(row.vars_json)).toEqual({ at: 1 });
      expect((await db().manager.query('SELECT id FROM flow_steps WHERE run_id = ?', [r.id])).length).toBe(1);
    }
    expect(Number((await db().manager.query('SELECT steps FROM flow_runs WHERE id = ?', [stale.id]))[0].steps)).toBe(0);
    expect((await db().manager.query('SELECT id FROM flow_steps WHERE run_id = ?', [stale.id])).length).toBe(0);

    // alone in its batch, then its next step
    const lone = await newRun();
    await step(lone, 0);
    await step(lone, 1);
    expect(Number((await db().manager.query('SELECT steps FROM flow_runs WHERE id = ?', [lone.id]))[0].steps)).toBe(2);
    expect((await db().manager.query('SELECT id FROM flow_steps WHERE run_id = ?', [lone.id])).length).toBe(2);
    await expect(step(lone, 1)).rejects.toBeInstanceOf(StaleRunError);
  });
});
