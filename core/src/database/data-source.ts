/**
 * Builds the TypeORM DataSource for the configured database: SQLite through better-sqlite3
 * (WAL, the embedded default) or MySQL/MariaDB through mysql2. Migrations from `migrations/`
 * run at start-up; `synchronize` stays off.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from '../../../migrations/index.js';

/** DataSource options for `config.database`. */
export function dataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const db = config.database;
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return {
      type: 'better-sqlite3',
      database: db.path,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    type: 'mysql',
    url: db.url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    poolSize: 10,
  };
}

/** Opens the database and applies pending migrations. */
export async function openDataSource(config: Pick<AppConfig, 'database'>): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(config));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
