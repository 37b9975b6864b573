import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from './auth.types.js';
import { TokensService, type VerifiedToken } from './tokens.service.js';

type AuthedRequest = Request & { auth?: VerifiedToken };

/**
 * Requires `Authorization: Bearer <accessToken>` of a session that was not ended (one indexed
 * read per request, see {@link TokensService.authenticate}); attaches the caller to the request.
 * 401 UNAUTHENTICATED otherwise.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    req.auth = await this.tokens.authenticate(token);
    return true;
  }
}

/** Controller parameter: the authenticated caller (use with {@link AuthGuard}). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Auth used without AuthGuard');
  return auth;
});

/** Controller parameter: the caller with the session claims of the presented token (`jti`, version, expiry). */
export const Session = createParamDecorator((_: unknown, ctx: ExecutionContext): VerifiedToken => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Session used without AuthGuard');
  return auth;
});
