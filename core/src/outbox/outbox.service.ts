/**
 * Transactional outbox: rows written in a business transaction describe work to do after
 * the commit (realtime events, media downloads, automations). The writer hands fresh rows to
 * {@link OutboxService.handleNow}; rows whose handling did not finish (crash, error) become
 * available again after a delay and are picked up by the sweeper, also at start-up.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { ROOT_LOGGER } from '../logging/logger.js';

/** An outbox row. `payload` is JSON text. */
export interface OutboxRow {
  id: string;
  tenantId: string | null;
  topic: string;
  payload: string;
  attempts: number;
}

/** Handles the rows of one topic; throwing makes the row retry later. */
export type OutboxHandler = (payload: any, row: OutboxRow) => Promise<void>;

const SWEEP_EVERY_MS = 5_000;
/** Attempts before an outbox row is given up (handlers see `row.attempts`, counted from 0). */
export const OUTBOX_MAX_ATTEMPTS = 10;

@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private doneIds: string[] = [];
  private deleting: Promise<void> | null = null;
  private readonly log: Logger;
  private stopped = false;

  constructor(
    private readonly db: Database,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'outbox' });
  }

  /** Registers the handler of `topic` (one per topic). */
  on(topic: string, handler: OutboxHandler): void {
    if (this.handlers.has(topic)) throw new Error(`Outbox topic ${topic} already has a handler`);
    this.handlers.set(topic, handler);
  }

  /**
   * Inserts outbox rows inside the caller's transaction `m` (they commit or roll back with the
   * change they describe) and returns them; after the commit the caller hands them to
   * {@link handleNow}. They become available to the sweeper after `sweepAfterMs`, so the sweeper
   * takes them only if this process did not finish them.
   */
  async enqueue(m: EntityManager, rows: { tenantId: string | null; topic: string; payload: unknown }[], sweepAfterMs = 30_000): Promise<OutboxRow[]> {
    if (!rows.length) return [];
    const now = Date.now();
    const out = rows.map((r) => ({ id: newId(), tenantId: r.tenantId, topic: r.topic, payload: JSON.stringify(r.payload), attempts: 0 }));
    await m.query(
      this.db.insertIgnore('outbox', ['id', 'tenant_id', 'topic', 'payload', 'attempts', 'available_at', 'created_at'], out.length),
      out.flatMap((r) => [r.id, r.tenantId, r.topic, r.payload, 0, now + sweepAfterMs, now]),
    );
    return out;
  }

  /** Handles just-committed rows in the background; each is deleted once handled. */
  handleNow(rows: OutboxRow[]): void {
    for (const row of rows) this.track(this.handle(row));
  }

  private track(p: Promise<void>) {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async handle(row: OutboxRow): Promise<void> {
    const handler = this.handlers.get(row.topic);
    if (!handler) {
      this.log.warn({ topic: row.topic, id: row.id }, 'no outbox handler; row left for later');
      return;
    }
    try {
      await handler(JSON.parse(row.payload), row);
      this.doneIds.push(row.id);
      this.flushDeletes();
    } catch (err) {
      const attempts = row.attempts + 1;
      this.log.warn({ err, topic: row.topic, id: row.id, attempts }, 'outbox handler failed');
      const delay = Math.min(2 ** attempts * 1000, 10 * 60_000);
      await this.db
        .transaction((m) =>
          attempts >= OUTBOX_MAX_ATTEMPTS
            ? m.query('DELETE FROM outbox WHERE id = ?', [row.id])
            : m.query('UPDATE outbox SET attempts = ?, available_at = ? WHERE id = ?', [attempts, Date.now() + delay, row.id]),
        )
        .catch((e) => this.log.error({ err: e }, 'outbox bookkeeping failed'));
    }
  }

  /** Deletes handled rows in batches (one statement for many rows). */
  private flushDeletes(): void {
    if (this.deleting) return;
    this.deleting = (async () => {
      await new Promise((r) => setTimeout(r, 20)); // gather the rows of several commits
      while (this.doneIds.length) {
        const ids = this.doneIds.splice(0, 500);
        await this.db
          .transaction((m) => m.query(`DELETE FROM outbox WHERE id IN (${ids.map(() => '?').join(',')})`, ids))
          .catch((err) => this.log.error({ err }, 'outbox delete failed'));
      }
    })().finally(() => (this.deleting = null));
  }

  /** Claims and handles rows whose time has come (crash leftovers, retries). */
  async sweep(): Promise<number> {
    const now = Date.now();
    const rows: { id: string; tenant_id: string | null; topic: string; payload: string; attempts: number; available_at: number | string }[] = await this.db.manager.query(
      'SELECT id, tenant_id, topic, payload, attempts, available_at FROM outbox WHERE available_at <= ? ORDER BY available_at LIMIT 200',
      [now],
    );
    let claimed = 0;
    for (const r of rows) {
      // claim: push availability forward only if nobody else did (multi-instance safe)
      const changed = await this.db.transaction((m) =>
        this.db.execute(m, 'UPDATE outbox SET available_at = ? WHERE id = ? AND available_at = ?', [now + 60_000, r.id, Number(r.available_at)]),
      );
      if (changed !== 1) continue;
      claimed++;
      this.track(this.handle({ id: r.id, tenantId: r.tenant_id, topic: r.topic, payload: r.payload, attempts: Number(r.attempts) }));
    }
    return claimed;
  }

  onApplicationBootstrap(): void {
    const tick = async () => {
      if (this.stopped) return;
      await this.sweep().catch((err) => this.log.error({ err }, 'outbox sweep failed'));
      if (!this.stopped) this.timer = setTimeout(tick, SWEEP_EVERY_MS);
    };
    // leftovers of a crashed run (older than a few seconds) are due immediately
    const now = Date.now();
    void this.db
      .transaction((m) => m.query('UPDATE outbox SET available_at = ? WHERE available_at > ? AND created_at < ?', [now, now, now - 5_000]))
      .then(tick, (err) => this.log.error({ err }, 'outbox start failed'));
  }

  /** Waits until in-flight handlers finish (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size || this.deleting) {
      await Promise.allSettled([...this.inFlight, this.deleting]);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.drain();
  }
}

