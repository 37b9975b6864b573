/**
 * Two Parley processes sharing one database run a set of jobs: each job runs exactly once
 * (MariaDB/MySQL when TEST_MYSQL_URL is set — the deployment that scales out —, and SQLite).
 * The workers run the built core (core/test/jobs-worker.mjs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Agenda } from 'agenda';
import { TypeormBackend } from '../src/jobs/typeorm-backend.js';
import { createJobsDb, DIALECTS, type JobsTestDb } from './jobs-fixtures.js';

const WORKER = fileURLToPath(new URL('./jobs-worker.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbs: JobsTestDb[] = [];
const procs: ChildProcess[] = [];

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dbs) await d.drop();
});

describe.each(DIALECTS)('two processes on one %s database', (dialect) => {
  it('run every job exactly once, both taking a share', async () => {
    const tdb = await createJobsDb(dialect);
    dbs.push(tdb);
    const { db } = await tdb.open();
    // the scheduling side: an agenda that only saves jobs (no processor here)
    const scheduler = new Agenda({ backend: new TypeormBackend(db), name: 'scheduler' });
    const N = 300;

    const ran: number[] = [];
    const byWorker: Record<string, number> = {};
    const errors: string[] = [];
    const start = (name: string) =>
      new Promise<ChildProcess>((resolve, reject) => {
        const p = fork(WORKER, [JSON.stringify(tdb.config), name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        procs.push(p);
        p.on('message', (m: { ready?: string; ran?: number; worker?: string; error?: string }) => {
          if (m.ready) resolve(p);
          if (m.ran !== undefined) (ran.push(m.ran), (byWorker[m.worker!] = (byWorker[m.worker!] ?? 0) + 1));
          if (m.error) errors.push(m.error);
        });
        p.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
      });
    const [a, b] = await Promise.all([start('w1'), start('w2')]);
    // jobs due now and some a little later, while both are polling
    for (let i = 0; i < N; i++) await scheduler.create('work', { i }).schedule(new Date(Date.now() + (i % 5) * 100)).save();

    const deadline = Date.now() + 40_000;
    while (ran.length < N && Date.now() < deadline) await sleep(50);
    await sleep(1000); // a duplicate would show up now
    for (const p of [a, b]) p.send('stop');
    await Promise.all([a, b].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));

    expect(ran.length).toBe(N);
    expect(new Set(ran).size).toBe(N);
    expect(byWorker.w1).toBeGreaterThan(0);
    expect(byWorker.w2).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    const left = await db.manager.query('SELECT COUNT(*) AS n FROM jobs');
    expect(Number(left[0].n)).toBe(0); // one-offs are removed after success
  }, 60_000);
});
