/** The session shapes of the Parley API both apps share (docs/api.md, `POST /api/v1/auth/login`, `GET /api/v1/auth/me`). */

export interface User {
  id: string;
  name: string;
  email: string;
  role: 'owner' | 'admin' | 'agent';
}

export interface Tenant {
  id: string;
  name: string;
  planId?: string;
}

export interface Session {
  accessToken: string;
  user: User;
  tenant: Tenant;
}
