import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { TenantEntity, UserEntity, type Role } from './tenancy.entity.js';
import { FunnelEntity, StageEntity } from '../conversations/conversations.entity.js';
import { DEFAULT_FUNNEL } from '../conversations/default-funnel.js';

/** Tenants and users. User queries are scoped by tenant, except lookup by email for login. */
@Injectable()
export class TenancyRepository {
  constructor(private readonly db: Database) {}

  /** Creates a tenant, its owner and the default funnel with its stages, atomically. */
  async provisionTenant(input: { tenantName: string; name: string; email: string; passwordHash: string }): Promise<{ tenant: TenantEntity; user: UserEntity }> {
    const now = Date.now();
    return this.db.transaction(async (m) => {
      const tenant = m.create(TenantEntity, { id: newId(), name: input.tenantName, planId: 'default', createdAt: now });
      const user = m.create(UserEntity, {
        id: newId(), tenantId: tenant.id, name: input.name, email: input.email, passwordHash: input.passwordHash, role: 'owner', createdAt: now, updatedAt: now,
      });
      const funnel = m.create(FunnelEntity, { id: newId(), tenantId: tenant.id, name: DEFAULT_FUNNEL.name, position: 0, createdAt: now });
      await m.insert(TenantEntity, tenant);
      await m.insert(UserEntity, user);
      await m.insert(FunnelEntity, funnel);
      await m.insert(
        StageEntity,
        DEFAULT_FUNNEL.stages.map((name, position) => ({ id: newId(), tenantId: tenant.id, funnelId: funnel.id, name, position, createdAt: now })),
      );
      return { tenant, user };
    });
  }

  findUserByEmail(email: string): Promise<UserEntity | null> {
    return this.db.manager.findOneBy(UserEntity, { email });
  }

  findTenant(tenantId: string): Promise<TenantEntity | null> {
    return this.db.manager.findOneBy(TenantEntity, { id: tenantId });
  }

  findUser(tenantId: string, userId: string): Promise<UserEntity | null> {
    return this.db.manager.findOneBy(UserEntity, { tenantId, id: userId });
  }

  listUsers(tenantId: string): Promise<UserEntity[]> {
    return this.db.manager.find(UserEntity, { where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  countUsers(tenantId: string): Promise<number> {
    return this.db.manager.countBy(UserEntity, { tenantId });
  }

  async createUser(tenantId: string, input: { name: string; email: string; passwordHash: string; role: Role }): Promise<UserEntity> {
    const now = Date.now();
    const user = { id: newId(), tenantId, ...input, createdAt: now, updatedAt: now };
    await this.db.transaction((m) => m.insert(UserEntity, user));
    return Object.assign(new UserEntity(), user);
  }
}
