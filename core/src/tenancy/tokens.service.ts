import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { newId } from '../database/ids.js';
import type { AuthUser } from './auth.types.js';
import type { Role } from './tenancy.entity.js';
import { TenancyErrors } from './tenancy.errors.js';
import { TenancyRepository } from './tenancy.repository.js';

/** A token whose signature and expiry were checked: the caller plus the session claims. */
export interface VerifiedToken extends AuthUser {
  /** Token id (`jti`); absent in tokens issued before sessions became revocable. */
  jti?: string;
  /** The user's `token_version` when the token was issued (`ver`, 0 when absent). */
  version: number;
  /** Expiry, epoch ms (`exp`). */
  expiresAt: number;
}

/**
 * Issues and checks JWT access tokens (HS256, `JWT_SECRET`, `JWT_TTL_SECONDS`). Tokens carry
 * `{sub, tid, role, ver, jti, exp}`. {@link authenticate} also checks that the session was not
 * ended: one indexed read per call (users by primary key, revoked_tokens by primary key), no cache,
 * so a sign-out takes effect at once on every instance.
 */
@Injectable()
export class TokensService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TenancyRepository,
  ) {}

  /** Signs `{sub, tid, role, ver, jti}` for `user`; `version` is the user's `token_version`. */
  issue(user: AuthUser, version = 0): string {
    return jwt.sign({ tid: user.tenantId, role: user.role, ver: version }, this.config.jwtSecret, {
      subject: user.userId,
      jwtid: newId(),
      expiresIn: this.config.jwtTtlSeconds,
      algorithm: 'HS256',
    });
  }

  /**
   * Checks signature, expiry and claims only (no database): for callers that then call
   * {@link assertSessionActive}, or that only need the claims of a token being revoked.
   * @throws AppError UNAUTHENTICATED for a missing, expired or forged token.
   */
  verify(token: string | undefined | null): VerifiedToken {
    if (!token) throw TenancyErrors.unauthenticated();
    try {
      const p = jwt.verify(token, this.config.jwtSecret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      if (!p.sub || typeof p.tid !== 'string' || !['owner', 'admin', 'agent'].includes(p.role)) throw new Error('bad claims');
      return { userId: p.sub, tenantId: p.tid, role: p.role as Role, jti: typeof p.jti === 'string' ? p.jti : undefined, version: typeof p.ver === 'number' ? p.ver : 0, expiresAt: (p.exp ?? 0) * 1000 };
    } catch {
      throw TenancyErrors.unauthenticated();
    }
  }

  /**
   * {@link verify} plus the session check: the user still exists in the token's tenant, the
   * token's version is the user's current `token_version`, and its `jti` was not signed out.
   * @throws AppError UNAUTHENTICATED otherwise.
   */
  async authenticate(token: string | undefined | null): Promise<VerifiedToken> {
    const t = this.verify(token);
    await this.assertSessionActive(t);
    return t;
  }

  /** @throws AppError UNAUTHENTICATED when the session of `t` was ended (signed out, user removed). */
  async assertSessionActive(t: VerifiedToken): Promise<void> {
    const s = await this.repo.sessionState(t.tenantId, t.userId, t.jti ?? '');
    if (!s) throw TenancyErrors.unauthenticated('User no longer exists');
    if (s.revoked || s.tokenVersion !== t.version) throw TenancyErrors.unauthenticated('Session has ended; sign in again');
  }
}
