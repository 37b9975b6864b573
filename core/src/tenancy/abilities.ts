/**
 * Role permissions with CASL. Subjects are the API's resources; every rule is already
 * tenant-scoped because repositories only ever load the caller's tenant rows.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import type { Role } from './tenancy.entity.js';
import { TenancyErrors } from './tenancy.errors.js';

export type Action = 'manage' | 'create' | 'read' | 'update' | 'delete';
export type Subject = 'all' | 'Tenant' | 'User' | 'Channel' | 'Chat' | 'Message' | 'Contact' | 'Funnel' | 'Media' | 'Flow';
export type AppAbility = MongoAbility<[Action, Subject]>;

/** Abilities of a role: owner and admin ("sudo") manage everything; agents work the inbox. */
export function abilityFor(role: Role): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (role === 'owner' || role === 'admin') {
    can('manage', 'all');
  } else {
    can('read', ['Tenant', 'User', 'Channel', 'Funnel', 'Media', 'Flow']);
    can(['read', 'update'], 'Chat');
    can(['read', 'create'], 'Message');
    can(['read', 'create', 'update'], 'Contact');
    can('create', 'Media');
  }
  return build();
}

/** @throws AppError FORBIDDEN (403) when `role` may not do `action` on `subject`. */
export function assertCan(role: Role, action: Action, subject: Subject): void {
  if (!abilityFor(role).can(action, subject)) throw TenancyErrors.forbidden(action, subject);
}
