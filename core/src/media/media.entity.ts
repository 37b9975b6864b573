import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MsColumn } from '../database/columns.js';

/** A file stored by Parley under the tenant's storage folder. Size in bytes. */
@Entity('media_files')
export class MediaFileEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 }) tenantId: string;
  @Column({ name: 'message_id', type: 'varchar', length: 36, nullable: true }) messageId: string | null;
  @Column({ name: 'mime_type', type: 'varchar', length: 100 }) mimeType: string;
  @MsColumn('size') size: number;
  @Column({ type: 'varchar', length: 255, nullable: true }) filename: string | null;
  @Column({ name: 'storage_key', type: 'varchar', length: 300 }) storageKey: string;
  @MsColumn('created_at') createdAt: number;
}
