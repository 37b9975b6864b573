import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { EntitlementsService } from '../entitlements/entitlements.service.js';
import { isUniqueViolation } from '../database/errors.js';
import { notFound } from '../http/app-error.js';
import { assertCan } from './abilities.js';
import type { AuthResult, AuthUser, TenantJson, UserJson } from './auth.types.js';
import type { Role, TenantEntity, UserEntity } from './tenancy.entity.js';
import { TenancyErrors } from './tenancy.errors.js';
import { TenancyRepository } from './tenancy.repository.js';
import { TokensService, type VerifiedToken } from './tokens.service.js';
import { RealtimeService } from '../realtime/realtime.service.js';

const toUserJson = (u: UserEntity): UserJson => ({ id: u.id, name: u.name, email: u.email, role: u.role });
const toTenantJson = (t: TenantEntity): TenantJson => ({ id: t.id, name: t.name, planId: t.planId });

/** Signup, login and user management. Passwords are hashed with argon2id. */
@Injectable()
export class TenancyService {
  constructor(
    private readonly repo: TenancyRepository,
    private readonly tokens: TokensService,
    private readonly entitlements: EntitlementsService,
    private readonly realtime: RealtimeService,
  ) {}

  /** Self-serve signup: tenant + owner + default funnel. @throws AppError EMAIL_TAKEN (409). */
  async signup(input: { tenantName: string; name: string; email: string; password: string }): Promise<AuthResult> {
    const email = input.email.trim().toLowerCase();
    if (await this.repo.findUserByEmail(email)) throw TenancyErrors.emailTaken(email);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    try {
      const { tenant, user } = await this.repo.provisionTenant({ tenantName: input.tenantName.trim(), name: input.name.trim(), email, passwordHash });
      return this.result(tenant, user);
    } catch (err) {
      if (isUniqueViolation(err)) throw TenancyErrors.emailTaken(email);
      throw err;
    }
  }

  /** @throws AppError INVALID_CREDENTIALS (401) for an unknown email or a wrong password. */
  async login(input: { email: string; password: string }): Promise<AuthResult> {
    const user = await this.repo.findUserByEmail(input.email.trim().toLowerCase());
    if (!user || !(await argon2.verify(user.passwordHash, input.password))) throw TenancyErrors.invalidCredentials();
    const tenant = await this.repo.findTenant(user.tenantId);
    if (!tenant) throw TenancyErrors.invalidCredentials();
    return this.result(tenant, user);
  }

  /** The caller's user and tenant. */
  async me(auth: AuthUser): Promise<{ user: UserJson; tenant: TenantJson }> {
    const [user, tenant] = await Promise.all([this.repo.findUser(auth.tenantId, auth.userId), this.repo.findTenant(auth.tenantId)]);
    if (!user || !tenant) throw TenancyErrors.unauthenticated('User no longer exists');
    return { user: toUserJson(user), tenant: toTenantJson(tenant) };
  }

  /**
   * Signs out the presented token: its `jti` is refused until it expires, its sockets are
   * disconnected (on every instance with REDIS_URL). The user's other sessions keep working.
   * A token issued before sessions became revocable has no `jti`: all the user's sessions end.
   */
  async logout(session: VerifiedToken): Promise<void> {
    if (!session.jti) return this.endAllSessions(session.tenantId, session.userId);
    await this.repo.revokeToken(session.userId, session.jti, session.expiresAt);
    this.realtime.disconnectSession(session.jti);
  }

  /**
   * Ends every session of a user (raises `token_version`; disconnects their sockets). The hook
   * for a password change or a deactivation; today reached by `POST /api/v1/auth/logout-all`.
   * @throws AppError NOT_FOUND when the user is not in the tenant.
   */
  async endAllSessions(tenantId: string, userId: string): Promise<void> {
    if (!(await this.repo.bumpTokenVersion(tenantId, userId))) throw notFound('User', userId);
    this.realtime.disconnectUser(userId);
  }

  /**
   * Adds a user to the caller's tenant (owner/admin only; admins cannot create owners).
   * @throws AppError FORBIDDEN, PLAN_LIMIT_REACHED, EMAIL_TAKEN.
   */
  async createUser(auth: AuthUser, input: { name: string; email: string; password: string; role: Role }): Promise<UserJson> {
    assertCan(auth.role, 'create', 'User');
    const tenant = await this.repo.findTenant(auth.tenantId);
    if (!tenant) throw notFound('Tenant');
    this.entitlements.assertCanAddUser(tenant.planId, await this.repo.countUsers(auth.tenantId));
    const email = input.email.trim().toLowerCase();
    if (await this.repo.findUserByEmail(email)) throw TenancyErrors.emailTaken(email);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    try {
      return toUserJson(await this.repo.createUser(auth.tenantId, { name: input.name.trim(), email, passwordHash, role: input.role }));
    } catch (err) {
      if (isUniqueViolation(err)) throw TenancyErrors.emailTaken(email);
      throw err;
    }
  }

  async listUsers(auth: AuthUser): Promise<UserJson[]> {
    return (await this.repo.listUsers(auth.tenantId)).map(toUserJson);
  }

  async getUser(auth: AuthUser, userId: string): Promise<UserJson> {
    const user = await this.repo.findUser(auth.tenantId, userId);
    if (!user) throw notFound('User', userId);
    return toUserJson(user);
  }

  private result(tenant: TenantEntity, user: UserEntity): AuthResult {
    return {
      accessToken: this.tokens.issue({ userId: user.id, tenantId: tenant.id, role: user.role }, user.tokenVersion ?? 0),
      user: toUserJson(user),
      tenant: toTenantJson(tenant),
    };
  }
}
