import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { AuthUser } from './auth.types.js';
import type { Role } from './tenancy.entity.js';
import { TenancyErrors } from './tenancy.errors.js';

/** Issues and verifies JWT access tokens (HS256, `JWT_SECRET`, `JWT_TTL_SECONDS`). */
@Injectable()
export class TokensService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Signs `{sub, tid, role}`. */
  issue(user: AuthUser): string {
    return jwt.sign({ tid: user.tenantId, role: user.role }, this.config.jwtSecret, {
      subject: user.userId,
      expiresIn: this.config.jwtTtlSeconds,
      algorithm: 'HS256',
    });
  }

  /** @throws AppError UNAUTHENTICATED for a missing, expired or forged token. */
  verify(token: string | undefined | null): AuthUser {
    if (!token) throw TenancyErrors.unauthenticated();
    try {
      const p = jwt.verify(token, this.config.jwtSecret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
      if (!p.sub || typeof p.tid !== 'string' || !['owner', 'admin', 'agent'].includes(p.role)) throw new Error('bad claims');
      return { userId: p.sub, tenantId: p.tid, role: p.role as Role };
    } catch {
      throw TenancyErrors.unauthenticated();
    }
  }
}
