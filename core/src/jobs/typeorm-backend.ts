/**
 * agenda 6 backend over Parley's database: the {@link TypeormJobRepository} for storage and an
 * in-process notification channel, so that jobs saved by this process and due before the next
 * poll are picked up at once (other processes find them on their next poll). The database
 * connection belongs to Parley: agenda never closes it.
 */
import { InMemoryNotificationChannel, type AgendaBackend } from 'agenda';
import type { Database } from '../database/database.service.js';
import { TypeormJobRepository } from './typeorm-job.repository.js';

export class TypeormBackend implements AgendaBackend {
  readonly name = 'TypeORM (Parley database)';
  readonly repository: TypeormJobRepository;
  readonly notificationChannel = new InMemoryNotificationChannel();
  readonly ownsConnection = false;

  constructor(db: Database) {
    this.repository = new TypeormJobRepository(db);
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {}
}
