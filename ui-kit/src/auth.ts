import { request } from './http.js';
import type { Session, Tenant, User } from './types.js';

/** Sign-in and "who am I" (the session's user and tenant). */
export const authApi = {
  login: (email: string, password: string) => request<Session>('POST', '/api/v1/auth/login', { body: { email, password }, auth: false }),
  me: () => request<{ user: User; tenant: Tenant }>('GET', '/api/v1/auth/me'),
  /** Revokes `token` on the server (`POST /api/v1/auth/logout` → 204); sent with that token explicitly. */
  logout: (token: string) => request<void>('POST', '/api/v1/auth/logout', { auth: false, headers: { authorization: `Bearer ${token}` } }),
};
