import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Database } from './database.service.js';

/** Provides {@link Database} over an opened, migrated DataSource. */
@Global()
@Module({})
export class DatabaseModule {
  static forDataSource(ds: DataSource): DynamicModule {
    return { module: DatabaseModule, providers: [{ provide: Database, useValue: new Database(ds) }], exports: [Database] };
  }
}
