import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MsColumn } from '../database/columns.js';

/**
 * Post-commit work written in the same transaction as the data it is about (transactional
 * outbox): realtime events, media downloads, profile lookups, automations. Rows are deleted
 * once handled; rows left by a crash are handled at the next start.
 */
@Entity('outbox')
export class OutboxEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 36, nullable: true }) tenantId: string | null;
  @Column({ type: 'varchar', length: 40 }) topic: string;
  @Column({ type: 'text' }) payload: string;
  @Column({ type: 'int' }) attempts: number;
  @MsColumn('available_at') availableAt: number;
  @MsColumn('created_at') createdAt: number;
}
