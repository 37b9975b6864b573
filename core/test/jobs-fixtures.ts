/** Databases for the jobs tests: SQLite always, MySQL/MariaDB too when TEST_MYSQL_URL is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../src/database/data-source.js';
import { Database } from '../src/database/database.service.js';

export type DialectName = 'sqlite' | 'mysql';

export const DIALECTS: DialectName[] = ['sqlite', ...(process.env.TEST_MYSQL_URL ? (['mysql'] as const) : [])];

export interface JobsTestDb {
  /** DATABASE_URL of the database (for child processes). */
  url: string;
  config: { database: { type: 'sqlite'; path: string } | { type: 'mysql'; url: string } };
  /** Opens another connection (pool) to the same database, with migrations applied. */
  open(): Promise<{ ds: DataSource; db: Database }>;
  drop(): Promise<void>;
}

export async function createJobsDb(dialect: DialectName): Promise<JobsTestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-jobs-'));
  const opened: DataSource[] = [];
  const open = async (config: JobsTestDb['config']) => {
    const ds = await openDataSource(config);
    opened.push(ds);
    return { ds, db: new Database(ds) };
  };
  const closeAll = async () => {
    for (const ds of opened) if (ds.isInitialized) await ds.destroy();
  };
  if (dialect === 'sqlite') {
    const path = join(dir, 'jobs.sqlite');
    const config = { database: { type: 'sqlite' as const, path } };
    return { url: `sqlite:${path}`, config, open: () => open(config), drop: async () => (await closeAll(), rmSync(dir, { recursive: true, force: true })) };
  }
  const base = process.env.TEST_MYSQL_URL!;
  const name = `parley_j_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection(base);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const config = { database: { type: 'mysql' as const, url: u.toString() } };
  return {
    url: u.toString(),
    config,
    open: () => open(config),
    drop: async () => {
      await closeAll();
      const c = await mysql.createConnection(base);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
