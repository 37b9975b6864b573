import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from './auth.types.js';
import { TokensService } from './tokens.service.js';

type AuthedRequest = Request & { auth?: AuthUser };

/** Requires `Authorization: Bearer <accessToken>`; attaches the caller to the request. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly tokens: TokensService) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    req.auth = this.tokens.verify(token);
    return true;
  }
}

/** Controller parameter: the authenticated caller (use with {@link AuthGuard}). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Auth used without AuthGuard');
  return auth;
});
