/**
 * Retention of operational rows. An hourly agenda job (`ops.retention`, one row for all
 * instances) deletes, in batches of {@link RETENTION_BATCH} rows per statement so no statement
 * holds locks for long:
 * - `webhook_events` (raw provider payloads) older than `WEBHOOK_EVENTS_RETENTION_DAYS` (default 30);
 * - finished one-off jobs that agenda keeps (failed ones; successful ones are removed when they
 *   complete) older than `JOBS_RETENTION_DAYS` (default 7);
 * - the flow execution log: `flow_steps` (node executions) and finished `flow_runs` older than
 *   `FLOW_LOG_RETENTION_DAYS` (default 90; the builder's analytics and automation logs read them);
 * - `revoked_tokens` (signed-out tokens) once they have expired.
 * 0 days keeps rows forever. Other operational tables are bounded already (the outbox deletes
 * handled rows and drops rows after 10 attempts; channel login sessions are sealed tokens, not rows).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { OpsRepository, type PruneTarget } from './ops.repository.js';

/** Name of the recurring agenda job. */
export const RETENTION_JOB = 'ops.retention';
/** How often the job runs (agenda interval). */
export const RETENTION_INTERVAL = '1 hour';
/** Rows deleted per statement. */
export const RETENTION_BATCH = 5000;

const DAY_MS = 24 * 3600 * 1000;

/** What one retention pass deleted, per table. */
export type PruneReport = Record<string, number>;

@Injectable()
export class RetentionService implements OnModuleInit, OnApplicationBootstrap {
  private readonly log: Logger;

  constructor(
    private readonly repo: OpsRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'retention' });
  }

  onModuleInit(): void {
    this.jobs.define(RETENTION_JOB, async () => void (await this.pruneAll()), { concurrency: 1 });
  }

  /** Saves the recurring job (unique by name; a restart does not move a due run back). */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.every(RETENTION_INTERVAL, RETENTION_JOB, {}, { skipImmediate: false });
  }

  /** The tables pruned and the cut-off (epoch ms) of each at `now`; null = not pruned (0 days). */
  targets(now: number): { target: PruneTarget; cutoffMs: number | null }[] {
    const daysAgo = (days: number) => (days > 0 ? now - days * DAY_MS : null);
    return [
      { target: { table: 'webhook_events', column: 'received_at' }, cutoffMs: daysAgo(this.config.retention.webhookEventsDays) },
      // one-off jobs that finished and are not scheduled again (agenda keeps failed ones)
      { target: { table: 'jobs', column: 'last_finished_at', where: "next_run_at IS NULL AND locked_at IS NULL AND type = 'normal'" }, cutoffMs: daysAgo(this.config.retention.jobsDays) },
      // the flow execution log: node executions by start, finished runs by finish (waiting runs stay)
      { target: { table: 'flow_steps', column: 'started_at' }, cutoffMs: daysAgo(this.config.retention.flowLogDays) },
      { target: { table: 'flow_runs', column: 'finished_at', where: 'finished_at IS NOT NULL AND active_chat_key IS NULL' }, cutoffMs: daysAgo(this.config.retention.flowLogDays) },
      // signed-out tokens that have expired anyway (their signature check refuses them now)
      { target: { table: 'revoked_tokens', column: 'expires_at' }, cutoffMs: now },
    ];
  }

  /** One pass over every target with its configured retention; `now` is epoch ms. @returns rows deleted per table. */
  async pruneAll(now = Date.now()): Promise<PruneReport> {
    const report: PruneReport = {};
    for (const { target, cutoffMs } of this.targets(now)) {
      if (cutoffMs === null) continue;
      report[target.table] = await this.prune(target, cutoffMs);
    }
    if (Object.values(report).some((n) => n > 0)) this.log.info({ deleted: report }, 'retention: old rows deleted');
    return report;
  }

  /** Deletes every row of `target` older than `cutoffMs`, {@link RETENTION_BATCH} rows per statement. @returns rows deleted. */
  async prune(target: PruneTarget, cutoffMs: number, batch = RETENTION_BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.repo.deleteBatch(target, cutoffMs, batch);
      total += n;
      if (n < batch) return total;
      // let other work (webhooks, the dispatcher) get the connection between batches
      await new Promise((r) => setImmediate(r));
    }
  }
}
