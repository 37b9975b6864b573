import type { Role } from './tenancy.entity.js';

/** The authenticated caller, attached to the request by the auth guard. */
export interface AuthUser {
  userId: string;
  tenantId: string;
  role: Role;
}

/** Public JSON of a user. */
export interface UserJson {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** Public JSON of a tenant. */
export interface TenantJson {
  id: string;
  name: string;
  planId: string;
}

/** Answer of signup and login. */
export interface AuthResult {
  accessToken: string;
  user: UserJson;
  tenant: TenantJson;
}
