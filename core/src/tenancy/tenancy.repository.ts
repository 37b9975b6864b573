import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { TenantEntity, UserEntity, type Role } from './tenancy.entity.js';
import { FunnelEntity, StageEntity } from '../conversations/conversations.entity.js';
import { DEFAULT_FUNNEL } from '../conversations/default-funnel.js';

/** See {@link TenancyRepository.sessionState}; exported for the query-plan test. */
export const SESSION_STATE_SQL = 'SELECT u.token_version AS v, (SELECT COUNT(*) FROM revoked_tokens r WHERE r.jti = ?) AS r FROM users u WHERE u.id = ? AND u.tenant_id = ?';

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

  /**
   * The session check of each authenticated request, one statement: the user's `token_version`
   * (primary-key lookup, scoped by tenant) and whether `jti` is signed out (primary-key lookup).
   * @returns null when the user does not exist in the tenant.
   */
  async sessionState(tenantId: string, userId: string, jti: string): Promise<{ tokenVersion: number; revoked: boolean } | null> {
    const rows: { v: number | string; r: number | string }[] = await this.db.manager.query(SESSION_STATE_SQL, [jti, userId, tenantId]);
    return rows[0] ? { tokenVersion: Number(rows[0].v), revoked: Number(rows[0].r) > 0 } : null;
  }

  /** Signs out one token until `expiresAt` (epoch ms); a second call is a no-op. */
  async revokeToken(userId: string, jti: string, expiresAt: number): Promise<void> {
    await this.db.transaction((m) => this.db.execute(m, this.db.insertIgnore('revoked_tokens', ['jti', 'user_id', 'expires_at', 'created_at'], 1), [jti, userId, expiresAt, Date.now()]));
  }

  /** Raises the user's `token_version`, ending all their sessions. @returns false if no such user. */
  async bumpTokenVersion(tenantId: string, userId: string): Promise<boolean> {
    const n = await this.db.transaction((m) =>
      this.db.execute(m, 'UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE tenant_id = ? AND id = ?', [Date.now(), tenantId, userId]),
    );
    return n > 0;
  }

  async createUser(tenantId: string, input: { name: string; email: string; passwordHash: string; role: Role }): Promise<UserEntity> {
    const now = Date.now();
    const user = { id: newId(), tenantId, ...input, createdAt: now, updatedAt: now };
    await this.db.transaction((m) => m.insert(UserEntity, user));
    return Object.assign(new UserEntity(), user);
  }
}
