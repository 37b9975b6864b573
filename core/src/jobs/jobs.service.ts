/**
 * Durable jobs for Parley (DESIGN.md §6): agenda 6 over the {@link TypeormBackend}, so jobs
 * live in Parley's own database and two processes sharing it never run a job twice.
 *
 * Modules `define` their job handlers in `onModuleInit`; the processor starts once the
 * application has bootstrapped (unless `JOBS_PROCESSOR=0`) and stops gracefully on shutdown
 * (queued jobs are unlocked for other processes, running ones may finish for a while).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Agenda, type Job } from 'agenda';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database } from '../database/database.service.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { TypeormBackend } from './typeorm-backend.js';

/** Data of Parley's jobs: `key` (optional, indexed) finds and cancels them. */
export type JobData = { key?: string } & Record<string, unknown>;

export interface DefineOptions {
  /** Parallel runs of this job name per process (default 5). */
  concurrency?: number;
  /** Lock lifetime, ms (default JOBS_LOCK_LIFETIME_MS). */
  lockLifetimeMs?: number;
  /**
   * Jobs of this name one process locks ahead per poll (default concurrency × 4). agenda refills
   * only on polls, so a burst of N due jobs takes about N / lockLimit poll intervals.
   */
  lockLimit?: number;
}

const STOP_WAIT_MS = 10_000;

@Injectable()
export class JobsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly backend: TypeormBackend;
  readonly agenda: Agenda;
  private readonly log: Logger;
  private running = 0;
  private started = false;

  constructor(
    db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'jobs' });
    this.backend = new TypeormBackend(db);
    this.agenda = new Agenda({
      backend: this.backend,
      name: `parley-${process.pid}`,
      processEvery: config.jobs.processEveryMs,
      defaultLockLifetime: config.jobs.lockLifetimeMs,
      defaultConcurrency: 5,
      maxConcurrency: 50,
      // without a limit one process locks every due job at once and the others starve
      defaultLockLimit: 20,
      removeOnComplete: true,
    });
    this.agenda.on('error', (err) => this.log.error({ err }, 'job processing error'));
    this.agenda.on('fail', (err: Error, job: Job) => this.log.warn({ err, job: job?.attrs?.name, jobId: String(job?.attrs?._id) }, 'job failed'));
    this.agenda.on('start', () => this.running++);
    this.agenda.on('complete', () => this.running--);
  }

  /** Registers the handler of job `name` (before the processor starts). */
  define<D extends JobData>(name: string, handler: (data: D, job: Job<D>) => Promise<void>, opts: DefineOptions = {}): void {
    const concurrency = opts.concurrency ?? 5;
    this.agenda.define<D>(name, (job) => handler(job.attrs.data, job), { concurrency, lockLimit: opts.lockLimit ?? concurrency * 4, lockLifetime: opts.lockLifetimeMs ?? this.config.jobs.lockLifetimeMs });
  }

  /** Runs `name` once at `when` (a Date, or agenda's human text like "in 5 minutes"). */
  async schedule<D extends JobData>(when: Date | string, name: string, data: D): Promise<string> {
    const job = this.agenda.create(name, data).schedule(when);
    if (data.key) job.unique({ 'data.key': data.key });
    await job.save();
    return String(job.attrs._id);
  }

  /**
   * Repeats `name` on `interval` (cron "0 9 * * 1-5", milliseconds, or "10 minutes"). With
   * `data.key` the job is unique per key (saving again updates it); without, per name.
   */
  async every<D extends JobData>(interval: string | number, name: string, data: D, opts: { timezone?: string; skipImmediate?: boolean } = {}): Promise<string> {
    const job = this.agenda.create(name, data);
    if (!data.key) job.attrs.type = 'single';
    else job.unique({ 'data.key': data.key });
    job.repeatEvery(interval, { timezone: opts.timezone, skipImmediate: opts.skipImmediate ?? true });
    await job.save();
    return String(job.attrs._id);
  }

  /** Runs `name` as soon as a processor is free. */
  async now<D extends JobData>(name: string, data: D): Promise<string> {
    return String((await this.agenda.now(name, data)).attrs._id);
  }

  /** Removes the jobs with `data.key = key` (optionally only of job `name`); returns how many. */
  cancel(key: string, name?: string): Promise<number> {
    return this.agenda.cancel({ data: { key }, ...(name ? { name } : {}) });
  }

  /** Inserts a one-off job inside the caller's transaction (commits with it). Call {@link notify} after the commit. */
  insertInTransaction(m: EntityManager, name: string, runAt: number, data: JobData): Promise<string> {
    return this.backend.repository.insertInTransaction(m, name, runAt, data);
  }

  /** Deletes the jobs with `data.key = key` inside the caller's transaction. */
  deleteInTransaction(m: EntityManager, key: string, name?: string): Promise<number> {
    return this.backend.repository.deleteByKeyInTransaction(m, key, name);
  }

  /** Tells this process's processor about a job written by {@link insertInTransaction}. */
  notify(name: string, id: string, runAt: number): void {
    if (!this.started || this.backend.notificationChannel.state !== 'connected') return;
    void this.backend.notificationChannel
      .publish({ jobId: id as never, jobName: name, nextRunAt: new Date(runAt), priority: 0, timestamp: new Date() })
      .catch((err) => this.log.debug({ err }, 'job notification failed'));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.processor) return;
    await this.agenda.start();
    this.started = true;
  }

  /** Stops taking jobs, unlocks the ones queued here, and waits a while for running ones. */
  async onModuleDestroy(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.agenda.stop(false);
    const deadline = Date.now() + STOP_WAIT_MS;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (this.running > 0) this.log.warn({ running: this.running }, 'jobs still running at shutdown; their locks expire after JOBS_LOCK_LIFETIME_MS');
  }
}
