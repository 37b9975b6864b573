/**
 * The agenda backend over TypeORM: repository contract on SQLite (and MySQL/MariaDB when
 * TEST_MYSQL_URL is set), concurrent locking, and agenda itself running jobs through it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agenda, type JobParameters } from 'agenda';
import type { Database } from '../src/database/database.service.js';
import { TypeormBackend } from '../src/jobs/typeorm-backend.js';
import { matchesPartial, TypeormJobRepository } from '../src/jobs/typeorm-job.repository.js';
import { createJobsDb, DIALECTS, type JobsTestDb } from './jobs-fixtures.js';

const job = (over: Partial<JobParameters> = {}): JobParameters => ({ name: 'j', priority: 0, nextRunAt: new Date(Date.now() - 1000), type: 'normal', data: {}, ...over });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('matchesPartial', () => {
  it('matches nested partial objects and arrays exactly', () => {
    expect(matchesPartial({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(true);
    expect(matchesPartial({ a: 1 }, { a: 2 })).toBe(false);
    expect(matchesPartial({ a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(matchesPartial({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(matchesPartial(null, { a: 1 })).toBe(false);
  });
});

describe.each(DIALECTS)('TypeormJobRepository on %s', (dialect) => {
  let tdb: JobsTestDb;
  let db: Database;
  let repo: TypeormJobRepository;

  beforeAll(async () => {
    tdb = await createJobsDb(dialect);
    db = (await tdb.open()).db;
    repo = new TypeormJobRepository(db);
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  beforeEach(async () => {
    await repo.purgeAllJobs();
  });

  it('saves and reads back a job with its dates, data and repeat settings', async () => {
    const next = new Date(Date.now() + 60_000);
    const saved = await repo.saveJob(
      job({ name: 'report', priority: 10, nextRunAt: next, data: { key: 'k1', n: 1, nested: { x: 'y' } }, repeatInterval: '0 9 * * *', repeatTimezone: 'Europe/Lisbon', skipDays: [0, 6], failReason: 'x', failCount: 2 }),
      { lastModifiedBy: 'me' },
    );
    expect(saved._id).toBeTruthy();
    const got = await repo.getJobById(String(saved._id));
    expect(got).toMatchObject({ name: 'report', priority: 10, type: 'normal', data: { key: 'k1', n: 1, nested: { x: 'y' } }, repeatInterval: '0 9 * * *', repeatTimezone: 'Europe/Lisbon', skipDays: [0, 6], failCount: 2, failReason: 'x', lastModifiedBy: 'me', disabled: false });
    expect(got!.nextRunAt!.getTime()).toBe(next.getTime());
    expect(got!.lockedAt).toBeUndefined();
    expect(await repo.getJobById('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('updates by id, and returns the data unchanged when the job is gone', async () => {
    const saved = await repo.saveJob(job({ data: { a: 1 } }), undefined);
    const upd = await repo.saveJob({ ...saved, data: { a: 2 }, priority: 5 }, undefined);
    expect(upd).toMatchObject({ data: { a: 2 }, priority: 5 });
    await repo.removeJobs({ id: saved._id });
    const gone = { ...saved, data: { a: 3 } };
    expect(await repo.saveJob(gone, undefined)).toBe(gone);
  });

  it('keeps one row per name for type "single" and does not move a due nextRunAt back', async () => {
    const due = new Date(Date.now() - 5000);
    const a = await repo.saveJob(job({ name: 'tick', type: 'single', nextRunAt: due, repeatInterval: 1000 }), undefined);
    const b = await repo.saveJob(job({ name: 'tick', type: 'single', nextRunAt: new Date(), repeatInterval: 2000 }), undefined);
    expect(String(b._id)).toBe(String(a._id));
    expect(b.nextRunAt!.getTime()).toBe(due.getTime());
    expect(b.repeatInterval).toBe('2000');
    expect((await repo.queryJobs({ name: 'tick' })).total).toBe(1);
  });

  it('upserts on unique keys (data.key and other data paths); insertOnly keeps the first', async () => {
    const a = await repo.saveJob(job({ name: 'u', data: { key: 'run:1', v: 1 }, unique: { 'data.key': 'run:1' } }), undefined);
    const b = await repo.saveJob(job({ name: 'u', data: { key: 'run:1', v: 2 }, unique: { 'data.key': 'run:1' } }), undefined);
    expect(String(b._id)).toBe(String(a._id));
    expect(b.data).toEqual({ key: 'run:1', v: 2 });
    const c = await repo.saveJob(job({ name: 'u', data: { key: 'run:1', v: 3 }, unique: { 'data.key': 'run:1' }, uniqueOpts: { insertOnly: true } }), undefined);
    expect(c.data).toEqual({ key: 'run:1', v: 2 });
    const d = await repo.saveJob(job({ name: 'u', data: { user: 7 }, unique: { 'data.user': 7 } }), undefined);
    const e = await repo.saveJob(job({ name: 'u', data: { user: 7, x: 1 }, unique: { 'data.user': 7 } }), undefined);
    expect(String(e._id)).toBe(String(d._id));
    expect((await repo.queryJobs({ name: 'u' })).total).toBe(2);
  });

  it('debounces (trailing) unique saves', async () => {
    const opts = { debounce: { delay: 5000 } };
    const a = await repo.saveJob(job({ name: 'deb', data: { key: 'd' }, unique: { 'data.key': 'd' }, uniqueOpts: opts }), undefined);
    expect(a.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 4000);
    expect(a.debounceStartedAt).toBeInstanceOf(Date);
    const b = await repo.saveJob(job({ name: 'deb', data: { key: 'd', more: 1 }, unique: { 'data.key': 'd' }, uniqueOpts: opts }), undefined);
    expect(String(b._id)).toBe(String(a._id));
    expect(b.data).toEqual({ key: 'd', more: 1 });
  });

  it('getNextJobToRun locks the earliest due job once, honours priority, scan window, disabled and expired locks', async () => {
    const now = Date.now();
    await repo.saveJob(job({ name: 'n', nextRunAt: new Date(now - 100), priority: 0, data: { i: 'low' } }), undefined);
    await repo.saveJob(job({ name: 'n', nextRunAt: new Date(now - 100), priority: 10, data: { i: 'high' } }), undefined);
    await repo.saveJob(job({ name: 'n', nextRunAt: new Date(now - 5000), data: { i: 'oldest' } }), undefined);
    await repo.saveJob(job({ name: 'n', nextRunAt: new Date(now + 60_000), data: { i: 'later' } }), undefined);
    await repo.saveJob(job({ name: 'n', nextRunAt: new Date(now - 9000), disabled: true, data: { i: 'off' } }), undefined);
    await repo.saveJob(job({ name: 'other', nextRunAt: new Date(now - 9000), data: { i: 'other' } }), undefined);
    const scan = new Date(now + 1000);
    const deadline = new Date(now - 600_000);
    const order: unknown[] = [];
    for (;;) {
      const j = await repo.getNextJobToRun('n', scan, deadline, undefined, { lastModifiedBy: 'w1' });
      if (!j) break;
      expect(j.lockedAt).toBeInstanceOf(Date);
      expect(j.lastModifiedBy).toBe('w1');
      order.push((j.data as { i: string }).i);
    }
    expect(order).toEqual(['oldest', 'high', 'low']);
    // a lock older than the deadline is taken over (crashed process)
    const stale = await repo.saveJob(job({ name: 'n2' }), undefined);
    expect(await repo.getNextJobToRun('n2', scan, deadline, new Date(now - 700_000), undefined)).toBeTruthy();
    const again = await repo.getNextJobToRun('n2', scan, new Date(now - 600_000), undefined, undefined);
    expect(String(again?._id)).toBe(String(stale._id));
    expect(await repo.getNextJobToRun('n2', scan, deadline, undefined, undefined)).toBeUndefined();
  });

  it('lockJob is conditional; unlockJob keeps running one-offs locked; unlockJobs frees all', async () => {
    const a = await repo.saveJob(job({ name: 'l' }), undefined);
    const locked = await repo.lockJob(a, undefined);
    expect(locked?.lockedAt).toBeInstanceOf(Date);
    expect(await repo.lockJob(a, undefined)).toBeUndefined();
    await repo.unlockJob(a);
    expect((await repo.getJobById(String(a._id)))!.lockedAt).toBeUndefined();
    const b = await repo.lockJob(a, undefined);
    await repo.saveJobState({ ...b!, nextRunAt: null }, undefined); // now running, one-off
    await repo.unlockJob(b!);
    expect((await repo.getJobById(String(a._id)))!.lockedAt).toBeInstanceOf(Date);
    await repo.unlockJobs([a._id!]);
    expect((await repo.getJobById(String(a._id)))!.lockedAt).toBeUndefined();
  });

  it('saveJobState writes processor fields and fails for a removed job', async () => {
    const a = await repo.saveJob(job({ name: 's' }), undefined);
    const t = new Date(Date.now() - 10);
    await repo.saveJobState({ ...a, lastRunAt: t, lastFinishedAt: t, failedAt: t, failCount: 1, failReason: 'boom', progress: 42.5, nextRunAt: null }, { lastModifiedBy: 'w' });
    expect(await repo.getJobById(String(a._id))).toMatchObject({ failCount: 1, failReason: 'boom', progress: 42.5, nextRunAt: null, lastRunAt: t, lastModifiedBy: 'w' });
    await repo.removeJobs({ id: a._id });
    await expect(repo.saveJobState(a, undefined)).rejects.toThrow(/cannot be updated/);
  });

  it('removes, disables and enables by id, ids, name, names, notNames and data; queries with states', async () => {
    const ids: string[] = [];
    for (const [name, data] of [['a', { key: 'k:1', t: 1 }], ['a', { key: 'k:2', t: 2 }], ['b', { t: 1 }], ['c', { t: 3 }]] as const) {
      ids.push(String((await repo.saveJob(job({ name, data }), undefined))._id));
    }
    expect(await repo.getDistinctJobNames()).toEqual(['a', 'b', 'c']);
    expect(await repo.getQueueSize()).toBe(4);
    expect(await repo.removeJobs({})).toBe(0);
    expect(await repo.disableJobs({ data: { t: 1 } })).toBe(2);
    expect((await repo.queryJobs({ state: 'paused' })).jobs.map((j) => j.name).sort()).toEqual(['a', 'b']);
    expect((await repo.queryJobs({ includeDisabled: false })).total).toBe(2);
    expect(await repo.enableJobs({ names: ['a', 'b'] })).toBe(3);
    expect((await repo.queryJobs({ data: { key: 'k:2' } })).jobs.map((j) => String(j._id))).toEqual([ids[1]]);
    expect((await repo.queryJobs({ search: 'A', sort: { name: 'asc' }, limit: 1 })).total).toBe(2);
    expect((await repo.queryJobs({ state: 'queued' })).total).toBe(4);
    const overview = await repo.getJobsOverview();
    expect(overview.find((o) => o.name === 'a')).toMatchObject({ total: 2, queued: 2 });
    expect(await repo.removeJobs({ notNames: ['a'] })).toBe(2);
    expect(await repo.removeJobs({ data: { key: 'k:1' } })).toBe(1);
    expect(await repo.removeJobs({ ids: [ids[1]] })).toBe(1);
    expect((await repo.queryJobs()).total).toBe(0);
  });

  it('two connections locking concurrently never take the same job', async () => {
    // SQLite: one connection per process (a second synchronous connection in the same process
    // would block the event loop on the first one's write lock); other processes are covered
    // by jobs-two-process.test.ts
    const repos = dialect === 'mysql' ? [repo, new TypeormJobRepository((await tdb.open()).db)] : [repo, repo];
    const n = 60;
    for (let i = 0; i < n; i++) await repo.saveJob(job({ name: 'race', data: { i } }), undefined);
    const taken: string[] = [];
    const worker = async (r: TypeormJobRepository) => {
      for (;;) {
        const j = await r.getNextJobToRun('race', new Date(Date.now() + 1000), new Date(Date.now() - 600_000), undefined, undefined);
        if (j === undefined) return;
        if (j) taken.push(String(j._id));
      }
    };
    await Promise.all([0, 1, 2, 3].map((i) => worker(repos[i % 2])));
    expect(taken.length).toBe(n);
    expect(new Set(taken).size).toBe(n);
  });

  it('agenda runs one-off, keyed, repeating and failing jobs through the backend', async () => {
    const agenda = new Agenda({ backend: new TypeormBackend(db), processEvery: 100, removeOnComplete: true, name: 'test' });
    const ran: string[] = [];
    agenda.define('hello', async (j) => void ran.push(`hello:${(j.attrs.data as { who: string }).who}`));
    agenda.define('tick', async () => void ran.push('tick'));
    agenda.define('boom', async () => {
      throw new Error('nope');
    });
    await agenda.start();
    try {
      await agenda.now('hello', { who: 'now' });
      await agenda.schedule(new Date(Date.now() + 300), 'hello', { who: 'later' });
      const keyed = agenda.create('hello', { key: 'only', who: 'keyed-2' }).schedule(new Date(Date.now() + 200)).unique({ 'data.key': 'only' });
      await agenda.create('hello', { key: 'only', who: 'keyed-1' }).schedule(new Date(Date.now() + 200)).unique({ 'data.key': 'only' }).save();
      await keyed.save();
      await agenda.every(150, 'tick');
      await agenda.now('boom', {});
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline && !(ran.includes('hello:later') && ran.includes('hello:keyed-2') && ran.filter((r) => r === 'tick').length >= 2)) await sleep(50);
      expect(ran).toContain('hello:now');
      expect(ran).toContain('hello:later');
      expect(ran).toContain('hello:keyed-2');
      expect(ran).not.toContain('hello:keyed-1');
      expect(ran.filter((r) => r === 'tick').length).toBeGreaterThanOrEqual(2);
      const boom = (await repo.queryJobs({ name: 'boom' })).jobs[0];
      expect(boom).toMatchObject({ failCount: 1, failReason: 'nope' });
      // one-off jobs that succeeded are removed; the repeating one stays
      await sleep(200);
      expect((await repo.queryJobs({ name: 'hello' })).total).toBe(0);
      expect((await repo.queryJobs({ name: 'tick' })).total).toBe(1);
    } finally {
      await agenda.stop(false);
    }
  });
});
