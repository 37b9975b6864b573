import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MsColumn } from '../database/columns.js';

/** Roles of a tenant's users, strongest first. */
export type Role = 'owner' | 'admin' | 'agent';

/** A tenant (workspace): every tenant-owned row carries its id. */
@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'plan_id', type: 'varchar', length: 50 }) planId: string;
  @MsColumn('created_at') createdAt: number;
}

/** A user of a tenant (owner, admin or agent). Emails are unique platform-wide. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 }) tenantId: string;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 191 }) email: string;
  @Column({ name: 'password_hash', type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'varchar', length: 20 }) role: Role;
  /** Copied into access tokens (`ver`); raising it ends every session of the user. */
  @Column({ name: 'token_version', type: 'int', default: 0 }) tokenVersion: number;
  @MsColumn('created_at') createdAt: number;
  @MsColumn('updated_at') updatedAt: number;
}
