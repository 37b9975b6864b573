import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';

/** A table pruned by age: rows whose `column` (epoch ms) is below the cut-off, plus an optional extra condition. */
export interface PruneTarget {
  table: string;
  /** Indexed epoch-ms column compared with the cut-off. */
  column: string;
  /** Extra SQL condition without parameters (e.g. `next_run_at IS NULL`). */
  where?: string;
}

/**
 * Operational queries over whole tables (retention, metrics). Cross-tenant by design (retention
 * is a platform setting, not a tenant's): it never reads row contents.
 */
@Injectable()
export class OpsRepository {
  constructor(private readonly db: Database) {}

  /** Rows in `table` (a full count: for small operational tables such as the outbox). */
  async count(table: 'outbox'): Promise<number> {
    const rows: { n: number | string }[] = await this.db.manager.query(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Deletes at most `limit` rows of `target` with `column < cutoffMs`, in one short transaction
   * (one statement: MySQL `DELETE … LIMIT`, SQLite `DELETE … WHERE rowid IN (SELECT … LIMIT)`).
   * @returns rows deleted.
   */
  deleteBatch(target: PruneTarget, cutoffMs: number, limit: number): Promise<number> {
    const cond = `${target.column} < ?${target.where ? ` AND ${target.where}` : ''}`;
    const sql =
      this.db.dialect === 'sqlite'
        ? `DELETE FROM ${target.table} WHERE rowid IN (SELECT rowid FROM ${target.table} WHERE ${cond} LIMIT ?)`
        : `DELETE FROM ${target.table} WHERE ${cond} LIMIT ?`;
    return this.db.transaction((m) => this.db.execute(m, sql, [cutoffMs, limit]));
  }
}
