import { request } from './http.js';
import type { Session, Tenant, User } from './types.js';

export const authApi = {
  login: (email: string, password: string) => request<Session>('POST', '/api/v1/auth/login', { body: { email, password }, auth: false }),
  me: () => request<{ user: User; tenant: Tenant }>('GET', '/api/v1/auth/me'),
};
