/**
 * Group commit for inbound webhooks: concurrent webhook requests queue their parsed events;
 * one committer stores everything queued so far in a single transaction, then resolves each
 * request. A request is acknowledged only after the commit holding its events. When a batch
 * fails, its jobs are retried one by one so that one bad webhook cannot fail the others.
 */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { InboundMessage, InboundStatus } from '@parley/sdk';
import type { Logger } from 'pino';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { countInboundDuplicates, metrics } from '../ops/metrics.js';
import { ChannelRuntime } from './channel-runtime.js';
import { InboundRepository, type InboundChannel, type InboundResult } from './inbound.repository.js';

/** One webhook's events for one channel. `rawPayload` is stored once per request. */
export interface InboundJob {
  channel: InboundChannel;
  messages: InboundMessage[];
  statuses: InboundStatus[];
  rawPayload: string | null;
}

interface Pending {
  jobs: InboundJob[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Max webhook requests per transaction. */
const MAX_BATCH = 256;

/** Outbox topic written by every inbound commit. */
export const INBOUND_COMMITTED = 'inbound.committed';
/** Outbox topic for the flow engine (same payload as {@link INBOUND_COMMITTED}); separate so that a flow failure never repeats realtime events. */
export const FLOWS_INBOUND = 'flows.inbound';
/** Outbox topic of a media download. */
export const MEDIA_FETCH = 'media.fetch';
/** Outbox topic of a profile lookup (name, picture) for a new contact. */
export const CONTACT_PROFILE = 'contact.profile';

@Injectable()
export class InboundPipeline implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxCommitters: number;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private readonly log: Logger;

  constructor(
    private readonly repo: InboundRepository,
    private readonly outbox: OutboxService,
    private readonly runtime: ChannelRuntime,
    db: Database,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'inbound' });
    this.maxCommitters = db.dialect === 'mysql' ? 2 : 1;
  }

  /** Stores the jobs of one webhook request; resolves after their transaction commits. */
  ingest(jobs: InboundJob[]): Promise<void> {
    if (!jobs.some((j) => j.messages.length || j.statuses.length || j.rawPayload)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ jobs, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts a committer on the next turn of the event loop, so that requests already read from
   * their sockets join the batch (better-sqlite3 never yields while committing). MySQL gets two
   * committers: one batch commits while the next one is being built.
   */
  private schedule(): void {
    if (this.scheduled || this.running >= this.maxCommitters || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running < this.maxCommitters && this.queue.length) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running === 0) this.idle = new Promise((r) => (this.markIdle = r));
    this.running++;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.schedule();
        try {
          const stop = metrics.inboundCommitSeconds.startTimer();
          await this.commit(batch.flatMap((p) => p.jobs));
          stop();
          metrics.inboundBatchSize.observe(batch.length);
          for (const p of batch) p.resolve();
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          this.log.warn({ err, size: batch.length }, 'batch commit failed; retrying requests one by one');
          for (const p of batch) {
            try {
              await this.commit(p.jobs);
              p.resolve();
            } catch (e) {
              p.reject(e);
            }
          }
        }
      }
    } finally {
      this.running--;
      if (this.running === 0) this.markIdle();
    }
  }

  private async commit(jobs: InboundJob[]): Promise<void> {
    const rows: { id: string; tenantId: string | null; topic: string; payload: string }[] = [];
    let stored = 0;
    await this.repo.store(jobs, (r) => {
      rows.length = 0;
      stored = r.messageIds.length;
      if (r.messageIds.length || r.statusMessageIds.length) {
        const payload = JSON.stringify({ ...summary(r), tenantIds: r.tenantIds });
        rows.push({ id: newId(), tenantId: null, topic: INBOUND_COMMITTED, payload });
        if (r.messageIds.length) rows.push({ id: newId(), tenantId: null, topic: FLOWS_INBOUND, payload });
      }
      for (const md of r.media) rows.push({ id: newId(), tenantId: md.tenantId, topic: MEDIA_FETCH, payload: JSON.stringify(md) });
      const types = new Map(jobs.map((j) => [j.channel.id, j.channel.type]));
      for (const c of r.newContacts) {
        if (this.runtime.definition(types.get(c.channelId)!).getProfile) rows.push({ id: newId(), tenantId: c.tenantId, topic: CONTACT_PROFILE, payload: JSON.stringify(c) });
      }
      return rows;
    });
    countInboundDuplicates(jobs, stored);
    if (rows.length) this.outbox.handleNow(rows.map((r) => ({ ...r, attempts: 0 })));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.idle;
  }
}

/** Payload of {@link INBOUND_COMMITTED}. */
export type InboundCommitted = Pick<InboundResult, 'messageIds' | 'chatIds' | 'newChatIds' | 'newContactIds' | 'statusMessageIds'> & { tenantIds?: string[] };

function summary(r: InboundResult): InboundCommitted {
  return { messageIds: r.messageIds, chatIds: r.chatIds, newChatIds: r.newChatIds, newContactIds: r.newContactIds, statusMessageIds: r.statusMessageIds };
}
