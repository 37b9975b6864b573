import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'mysql2/promise';
import { createPool } from 'mysql2/promise';
import type { DataSource, EntityManager } from 'typeorm';

/** SQL dialect family of the running database. */
export type Dialect = 'sqlite' | 'mysql';

/**
 * Access to the database for repositories: the manager, the dialect, and transactions.
 * On SQLite (one connection, one writer) transactions are serialised by an in-process queue;
 * on MySQL they run concurrently on the pool.
 */
@Injectable()
export class Database implements OnApplicationShutdown {
  readonly dialect: Dialect;
  private tail: Promise<unknown> = Promise.resolve();
  private batchPool: Pool | null = null;

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Runs `fn` in a transaction and returns its result; rolls back if it throws. MySQL runs READ
   * COMMITTED: find-or-create re-reads rows that a concurrent transaction (another committer or
   * instance) inserted, after an `INSERT ... ON DUPLICATE KEY` waited on its unique key; under
   * REPEATABLE READ the older snapshot would hide them.
   */
  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.dataSource.transaction('READ COMMITTED', fn);
    const run = this.tail.then(() => this.dataSource.transaction(fn));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs a data-changing statement on `m` and returns the number of affected rows. */
  async execute(m: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
    const runner = m.queryRunner ?? this.dataSource.createQueryRunner();
    try {
      const res = (await runner.query(sql, params, true)) as { affected?: number };
      return res.affected ?? 0;
    } finally {
      if (!m.queryRunner) await runner.release();
    }
  }

  /**
   * MySQL only: a small mysql2 pool of its own (beside TypeORM's), opened on first use, whose
   * connections accept several `;`-separated statements in one query (`multipleStatements`),
   * so a caller can send a transaction's statements in one round trip. Only for SQL built by
   * the caller with `?` placeholders (never for text from outside); TypeORM's pool stays
   * single-statement. Closed at shutdown.
   */
  multiStatementPool(): Pool {
    if (this.dialect !== 'mysql') throw new Error('multiStatementPool: MySQL only');
    if (!this.batchPool) {
      const o = this.dataSource.options as { url?: string };
      this.batchPool = createPool({ uri: o.url, charset: 'utf8mb4_unicode_ci', timezone: 'Z', multipleStatements: true, connectionLimit: 4 });
    }
    return this.batchPool;
  }

  /** `INSERT ... ` prefix that ignores unique-key conflicts, with the dialect's suffix. */
  insertIgnore(table: string, columns: string[], rows: number): string {
    const tuple = `(${columns.map(() => '?').join(',')})`;
    const values = Array.from({ length: rows }, () => tuple).join(',');
    const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${values}`;
    return this.dialect === 'sqlite' ? `${head} ON CONFLICT DO NOTHING` : `${head} ON DUPLICATE KEY UPDATE ${columns[0]} = ${columns[0]}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.batchPool?.end().catch(() => undefined);
    this.batchPool = null;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
