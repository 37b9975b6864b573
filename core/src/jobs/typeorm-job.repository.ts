/**
 * agenda 6's `JobRepository` over Parley's database (DESIGN.md §6): jobs live in the `jobs`
 * table on SQLite and MySQL/MariaDB. Locking a job is a conditional update (`locked_at` must
 * still be free or expired), so two processes never run the same job at the same time:
 * - MySQL/MariaDB: `SELECT … FOR UPDATE SKIP LOCKED` picks a candidate no other transaction
 *   holds, then `UPDATE … WHERE id = ? AND <still lockable>` takes it (READ COMMITTED);
 * - SQLite (one writer): a single `UPDATE … WHERE id = (SELECT … LIMIT 1)` statement, which
 *   takes the write lock first, marks the row with a lock token that is then read back.
 * Times are epoch milliseconds. `data.key` (a string) is copied into an indexed column so that
 * Parley can find and cancel jobs by key; other `data` filters are matched in memory.
 */
import { computeJobState, toJobId } from 'agenda';
import type {
  JobId,
  JobParameters,
  JobRepository,
  JobRepositoryOptions,
  JobsOverview,
  JobsQueryOptions,
  JobsResult,
  JobsSort,
  JobWithState,
  RemoveJobsOptions,
} from 'agenda';
import type { EntityManager } from 'typeorm';
import type { Database } from '../database/database.service.js';
import { isUniqueViolation } from '../database/errors.js';
import { newId } from '../database/ids.js';

type Row = Record<string, any>;

const ms = (d: Date | string | number | null | undefined): number | null => (d === null || d === undefined ? null : new Date(d).getTime());
const date = (v: unknown): Date | undefined => (v === null || v === undefined ? undefined : new Date(Number(v)));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** `data.key` when `data` is an object with a string `key` (indexed column `job_key`). */
export const keyOf = (data: unknown): string | null =>
  data && typeof data === 'object' && typeof (data as { key?: unknown }).key === 'string' ? (data as { key: string }).key.slice(0, 191) : null;

/** True when every property of `pattern` (deeply) equals the one in `value` (partial match). */
export function matchesPartial(value: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return value === pattern || (value instanceof Date && ms(value) === ms(pattern as never));
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.length === value.length && pattern.every((p, i) => matchesPartial(value[i], p));
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([k, p]) => matchesPartial((value as Record<string, unknown>)[k], p));
}

/** Value at `a.b.c` of `obj`. */
const at = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  priority: 'priority',
  name: 'name',
  data: 'data_json',
};

/** NULLs last on both dialects (MySQL and SQLite put them first in ascending order). */
const orderBy = (col: string, dir: 'asc' | 'desc') => `(${col} IS NULL), ${col} ${dir === 'asc' ? 'ASC' : 'DESC'}`;
const NEXT_ORDER = `${orderBy('next_run_at', 'asc')}, priority DESC`;

export class TypeormJobRepository implements JobRepository {
  constructor(private readonly db: Database) {}

  /**
   * A transaction that, on SQLite, takes the write lock first (a no-op write): a deferred
   * transaction that reads and then writes fails at once with SQLITE_BUSY when another
   * process wrote in between, whereas waiting for the lock honours busy_timeout.
   */
  private tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.db.dialect !== 'sqlite') return this.retryDeadlocks(() => this.db.transaction(fn));
    return this.db.transaction(async (m) => {
      await m.query('UPDATE jobs SET id = id WHERE 1 = 0');
      return fn(m);
    });
  }

  /**
   * MySQL: InnoDB may pick one of two processes' job transactions (claim vs. complete/delete of
   * neighbouring rows) as a deadlock victim and roll it back (ER_LOCK_DEADLOCK, errno 1213,
   * "try restarting transaction"). The job transactions only touch the database, so the whole
   * transaction is run again, up to 4 attempts with a short random pause (5–30 ms).
   */
  private async retryDeadlocks<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const e = err as { errno?: number; code?: string; driverError?: { errno?: number } };
        const deadlock = e.errno === 1213 || e.code === 'ER_LOCK_DEADLOCK' || e.driverError?.errno === 1213;
        if (!deadlock || attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
      }
    }
  }

  /** The table is created by Parley's migrations; nothing to do. */
  async connect(): Promise<void> {}

  private toJob<DATA = unknown>(r: Row): JobParameters<DATA> {
    const job: JobParameters<DATA> = {
      _id: toJobId(r.id) as JobId,
      name: r.name,
      priority: Number(r.priority),
      nextRunAt: date(r.next_run_at) ?? null,
      type: r.type,
      data: (r.data_json ? JSON.parse(r.data_json) : null) as DATA,
      disabled: Number(r.disabled) === 1,
    };
    const opt: Partial<JobParameters> = {
      lockedAt: date(r.locked_at),
      lastRunAt: date(r.last_run_at),
      lastFinishedAt: date(r.last_finished_at),
      failedAt: date(r.failed_at),
      failCount: num(r.fail_count),
      failReason: r.fail_reason ?? undefined,
      repeatInterval: r.repeat_interval ?? undefined,
      repeatTimezone: r.repeat_timezone ?? undefined,
      repeatAt: r.repeat_at ?? undefined,
      progress: num(r.progress),
      fork: Number(r.fork) === 1 ? true : undefined,
      lastModifiedBy: r.last_modified_by ?? undefined,
      startDate: date(r.start_date),
      endDate: date(r.end_date),
      skipDays: r.skip_days ? (JSON.parse(r.skip_days) as number[]) : undefined,
      debounceStartedAt: date(r.debounce_started_at),
    };
    for (const [k, v] of Object.entries(opt)) if (v !== undefined) (job as unknown as Record<string, unknown>)[k] = v;
    return job;
  }

  /** Column values of the user-editable part of a job (what `saveJob` writes). */
  private columns(job: JobParameters, options: JobRepositoryOptions | undefined): Row {
    const interval = job.repeatInterval;
    return {
      name: job.name,
      priority: job.priority ?? 0,
      type: job.type ?? 'normal',
      next_run_at: ms(job.nextRunAt),
      repeat_interval: interval === undefined || interval === null ? null : String(interval),
      repeat_timezone: job.repeatTimezone ?? null,
      repeat_at: job.repeatAt ?? null,
      disabled: job.disabled ? 1 : 0,
      fork: job.fork ? 1 : 0,
      fail_reason: job.failReason ?? null,
      fail_count: job.failCount ?? null,
      failed_at: ms(job.failedAt),
      last_modified_by: options?.lastModifiedBy ?? null,
      job_key: keyOf(job.data),
      data_json: job.data === undefined ? null : JSON.stringify(job.data),
      start_date: ms(job.startDate),
      end_date: ms(job.endDate),
      skip_days: job.skipDays?.length ? JSON.stringify(job.skipDays) : null,
    };
  }

  private async byId(m: EntityManager, id: string): Promise<Row | null> {
    const rows = await m.query('SELECT * FROM jobs WHERE id = ?', [id]);
    return rows[0] ?? null;
  }

  private async insert(m: EntityManager, cols: Row): Promise<Row> {
    const now = Date.now();
    const row: Row = { id: newId(), ...cols, created_at: now, updated_at: now };
    const keys = Object.keys(row);
    await m.query(`INSERT INTO jobs (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`, keys.map((k) => row[k]));
    return row;
  }

  private async update(m: EntityManager, where: string, params: unknown[], cols: Row): Promise<number> {
    const keys = Object.keys(cols);
    return this.db.execute(m, `UPDATE jobs SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE ${where}`, [...keys.map((k) => cols[k]), Date.now(), ...params]);
  }

  /** SQL conditions for name/id filters; `data` is matched afterwards in memory. */
  private filter(o: RemoveJobsOptions): { where: string[]; params: unknown[] } | null {
    const where: string[] = [];
    const params: unknown[] = [];
    const inList = (col: string, values: unknown[], not = false) => {
      where.push(`${col} ${not ? 'NOT ' : ''}IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    if (o.id) (where.push('id = ?'), params.push(String(o.id)));
    else if (o.ids?.length) inList('id', o.ids.map(String));
    if (o.name) (where.push('name = ?'), params.push(o.name));
    else if (o.names?.length) inList('name', o.names);
    else if (o.notNames?.length) inList('name', o.notNames, true);
    const key = keyOf(o.data);
    if (key) (where.push('job_key = ?'), params.push(key));
    if (!where.length && o.data === undefined) return null;
    return { where, params };
  }

  /** Ids of the jobs matching `o` (SQL filters, then the partial `data` match). */
  private async matching(m: EntityManager, o: RemoveJobsOptions): Promise<string[] | null> {
    const f = this.filter(o);
    if (!f) return null;
    const rows: Row[] = await m.query(`SELECT id, data_json FROM jobs${f.where.length ? ` WHERE ${f.where.join(' AND ')}` : ''}`, f.params);
    return rows.filter((r) => o.data === undefined || matchesPartial(r.data_json ? JSON.parse(r.data_json) : null, o.data)).map((r) => r.id as string);
  }

  private async forMatching(o: RemoveJobsOptions, sql: (ids: string) => string): Promise<number> {
    return this.tx(async (m) => {
      const ids = await this.matching(m, o);
      if (!ids?.length) return 0;
      let n = 0;
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        n += await this.db.execute(m, sql(chunk.map(() => '?').join(', ')), chunk);
      }
      return n;
    });
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { name, names, state, id, ids, search, data, includeDisabled = true, sort, skip = 0, limit = 0 } = options;
    const where: string[] = [];
    const params: unknown[] = [];
    if (name) (where.push('name = ?'), params.push(name));
    else if (names?.length) (where.push(`name IN (${names.map(() => '?').join(', ')})`), params.push(...names));
    if (id) (where.push('id = ?'), params.push(id));
    else if (ids?.length) (where.push(`id IN (${ids.map(() => '?').join(', ')})`), params.push(...ids));
    if (search) (where.push('LOWER(name) LIKE ?'), params.push(`%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    const key = keyOf(data);
    if (key) (where.push('job_key = ?'), params.push(key));
    if (!includeDisabled) where.push('disabled = 0');
    const order = sort
      ? (Object.entries(sort) as [keyof JobsSort, 'asc' | 'desc'][]).filter(([k]) => SORT_COLUMNS[k]).map(([k, d]) => orderBy(SORT_COLUMNS[k], d)).join(', ')
      : '';
    const rows: Row[] = await this.db.manager.query(
      `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order || `${orderBy('next_run_at', 'desc')}, ${orderBy('last_run_at', 'desc')}`}`,
      params,
    );
    const now = new Date();
    let jobs: JobWithState[] = rows
      .map((r) => this.toJob(r))
      .filter((j) => data === undefined || matchesPartial(j.data, data))
      .map((j) => ({ ...j, _id: j._id as JobId, state: computeJobState(j, now) }))
      .filter((j) => !state || (state === 'paused' ? j.disabled === true : j.state === state));
    const total = jobs.length;
    if (limit > 0) jobs = jobs.slice(skip, skip + limit);
    else if (skip > 0) jobs = jobs.slice(skip);
    return { jobs, total };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const rows: Row[] = await this.db.manager.query('SELECT * FROM jobs ORDER BY name');
    const now = new Date();
    const byName = new Map<string, JobsOverview>();
    for (const r of rows) {
      const o = byName.get(r.name) ?? { name: r.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
      const job = this.toJob(r);
      o.total++;
      o[computeJobState(job, now) as keyof Omit<JobsOverview, 'name' | 'total'>]++;
      if (job.disabled) o.paused++;
      byName.set(r.name, o);
    }
    return [...byName.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    return (await this.db.manager.query('SELECT DISTINCT name FROM jobs ORDER BY name')).map((r: Row) => r.name);
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const r = await this.byId(this.db.manager, id);
    return r ? this.toJob(r) : null;
  }

  async getQueueSize(): Promise<number> {
    const r = await this.db.manager.query('SELECT COUNT(*) AS n FROM jobs WHERE next_run_at < ?', [Date.now()]);
    return Number(r[0].n);
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (ids) => `DELETE FROM jobs WHERE id IN (${ids})`);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (ids) => `UPDATE jobs SET disabled = 1 WHERE id IN (${ids})`);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.forMatching(options, (ids) => `UPDATE jobs SET disabled = 0 WHERE id IN (${ids})`);
  }

  async purgeAllJobs(): Promise<number> {
    return this.tx((m) => this.db.execute(m, 'DELETE FROM jobs'));
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const { _id, unique, uniqueOpts } = job;
    const cols = this.columns(job as JobParameters, options);
    return this.tx(async (m) => {
      if (_id) {
        const n = await this.update(m, 'id = ? AND name = ?', [String(_id), job.name], cols);
        if (n !== 1) return job; // removed meanwhile: agenda expects the data back unchanged
        return this.toJob<DATA>((await this.byId(m, String(_id)))!);
      }
      if (job.type === 'single') return this.toJob<DATA>(await this.upsertSingle(m, job as JobParameters, cols));
      if (unique) {
        const existing = await this.findUnique(m, job.name, unique);
        const debounce = uniqueOpts?.debounce;
        const now = Date.now();
        if (existing) {
          if (uniqueOpts?.insertOnly && !debounce) return this.toJob<DATA>(existing);
          let next = cols.next_run_at as number | null;
          let started: number | null = null;
          if (debounce) {
            const since = existing.debounce_started_at === null ? now : Number(existing.debounce_started_at);
            if (debounce.strategy === 'leading') (next = existing.next_run_at === null ? null : Number(existing.next_run_at)), (started = since);
            else if (debounce.maxWait && now - since >= debounce.maxWait) next = now;
            else (next = now + debounce.delay), (started = since);
          }
          await this.update(m, 'id = ?', [existing.id], { ...cols, next_run_at: next, debounce_started_at: started });
          return this.toJob<DATA>((await this.byId(m, existing.id))!);
        }
        if (debounce) {
          const next = debounce.strategy === 'leading' ? cols.next_run_at : now + debounce.delay;
          return this.toJob<DATA>(await this.insert(m, { ...cols, next_run_at: next, debounce_started_at: now }));
        }
      }
      return this.toJob<DATA>(await this.insert(m, cols));
    });
  }

  /** `type: single` (agenda's `every`): one row per name; a due `nextRunAt` is not moved back. */
  private async upsertSingle(m: EntityManager, job: JobParameters, cols: Row): Promise<Row> {
    const lock = this.db.dialect === 'mysql' ? ' FOR UPDATE' : '';
    for (let attempt = 0; ; attempt++) {
      const existing: Row | undefined = (await m.query(`SELECT * FROM jobs WHERE single_key = ?${lock}`, [job.name]))[0];
      if (existing) {
        const protect = job.nextRunAt && ms(job.nextRunAt)! <= Date.now() && existing.next_run_at !== null;
        const { fail_reason: _r, fail_count: _c, failed_at: _f, ...rest } = cols;
        await this.update(m, 'id = ?', [existing.id], { ...rest, next_run_at: protect ? Number(existing.next_run_at) : cols.next_run_at });
        return (await this.byId(m, existing.id))!;
      }
      try {
        return await this.insert(m, { ...cols, single_key: job.name });
      } catch (err) {
        if (!isUniqueViolation(err) || attempt > 0) throw err; // another process inserted it first
      }
    }
  }

  /** The job named `name` matching `unique` (`{'data.key': ...}`, `{'data.x': ...}`, column names). */
  private async findUnique(m: EntityManager, name: string, unique: Record<string, unknown>): Promise<Row | undefined> {
    const where = ['name = ?'];
    const params: unknown[] = [name];
    if (typeof unique['data.key'] === 'string') (where.push('job_key = ?'), params.push(unique['data.key']));
    const rows: Row[] = await m.query(`SELECT * FROM jobs WHERE ${where.join(' AND ')}${this.db.dialect === 'mysql' ? ' FOR UPDATE' : ''}`, params);
    return rows.find((r) => {
      const job = this.toJob(r) as unknown as Record<string, unknown>;
      return Object.entries(unique).every(([path, v]) => matchesPartial(at(job, path), v));
    });
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const n = await this.tx((m) =>
      this.update(m, 'id = ? AND name = ?', [String(job._id), job.name], {
        locked_at: ms(job.lockedAt),
        next_run_at: ms(job.nextRunAt),
        last_run_at: ms(job.lastRunAt),
        progress: job.progress ?? null,
        fail_reason: job.failReason ?? null,
        fail_count: job.failCount ?? null,
        failed_at: ms(job.failedAt),
        last_finished_at: ms(job.lastFinishedAt),
        last_modified_by: options?.lastModifiedBy ?? null,
        ...(job.lockedAt ? {} : { lock_token: null }),
      }),
    );
    if (n !== 1) throw new Error(`job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`);
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const token = newId();
    return this.tx(async (m) => {
      const n = await this.update(
        m,
        `id = ? AND name = ? AND locked_at IS NULL AND disabled = 0 AND ${job.nextRunAt ? 'next_run_at = ?' : 'next_run_at IS NULL'}`,
        [String(job._id), job.name, ...(job.nextRunAt ? [ms(job.nextRunAt)] : [])],
        { locked_at: Date.now(), lock_token: token, last_modified_by: options?.lastModifiedBy ?? null },
      );
      return n === 1 ? this.toJob((await this.byId(m, String(job._id)))!) : undefined;
    });
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // a job that is running has no nextRunAt (one-off) and keeps its lock until it finishes
    await this.tx((m) => this.db.execute(m, 'UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id = ? AND next_run_at IS NOT NULL', [String(job._id)]));
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (!jobIds.length) return;
    const ids = jobIds.map(String);
    await this.tx((m) => this.db.execute(m, `UPDATE jobs SET locked_at = NULL, lock_token = NULL WHERE id IN (${ids.map(() => '?').join(', ')})`, ids));
  }

  /**
   * Finds the next job named `jobName` that is due before `nextScanAt` (or whose lock expired
   * before `lockDeadline`) and locks it for this process, atomically across processes.
   */
  async getNextJobToRun(jobName: string, nextScanAt: Date, lockDeadline: Date, now: Date | undefined, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    const lockAt = ms(now ?? new Date())!;
    const lockable = 'name = ? AND disabled = 0 AND ((locked_at IS NULL AND next_run_at <= ?) OR locked_at <= ?)';
    const params = [jobName, ms(nextScanAt), ms(lockDeadline)];
    const token = newId();
    const set = { locked_at: lockAt, lock_token: token, last_modified_by: options?.lastModifiedBy ?? null };
    const row = await this.tx(async (m) => {
      if (this.db.dialect === 'mysql') {
        const picked: Row[] = await m.query(`SELECT id FROM jobs WHERE ${lockable} ORDER BY ${NEXT_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED`, params);
        if (!picked.length) return null;
        const n = await this.update(m, `id = ? AND ${lockable}`, [picked[0].id, ...params], set);
        return n === 1 ? this.byId(m, picked[0].id) : null;
      }
      // SQLite: one statement, so the write lock is taken before the row is chosen
      const n = await this.update(m, `id = (SELECT id FROM jobs WHERE ${lockable} ORDER BY ${NEXT_ORDER} LIMIT 1)`, params, set);
      if (n !== 1) return null;
      return ((await m.query('SELECT * FROM jobs WHERE lock_token = ?', [token])) as Row[])[0] ?? null;
    });
    return row ? this.toJob(row) : undefined;
  }

  /**
   * Inserts a one-off job inside the caller's transaction `m` (so that a flow step and its
   * timer commit together). Returns the job's id.
   */
  async insertInTransaction(m: EntityManager, name: string, runAt: number, data: unknown, priority = 0): Promise<string> {
    const row = await this.insert(m, {
      name, priority, type: 'normal', next_run_at: runAt, disabled: 0, fork: 0, job_key: keyOf(data), data_json: JSON.stringify(data ?? null),
    });
    return row.id;
  }

  /** Deletes the jobs with `data.key = key` inside the caller's transaction. */
  async deleteByKeyInTransaction(m: EntityManager, key: string, name?: string): Promise<number> {
    return this.db.execute(m, `DELETE FROM jobs WHERE job_key = ?${name ? ' AND name = ?' : ''}`, name ? [key, name] : [key]);
  }
}
