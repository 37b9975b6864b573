import { Injectable } from '@nestjs/common';
import { BUILT_IN_PLANS, type Plan } from './plans.js';
import { EntitlementErrors } from './entitlements.errors.js';

/** One installed channel type as the plan sees it. */
export interface ChannelTypeEntitlement {
  type: string;
  displayName: string;
  /** The type has a login flow (e.g. Facebook Login). */
  login: boolean;
  /** The plan includes the type. */
  allowed: boolean;
  limit: number;
  used: number;
  remaining: number;
}

/** `GET /api/v1/entitlements`. */
export interface EntitlementsJson {
  plan: { id: string; name: string };
  /** Installed channel types, the plan's allowed ones first. */
  channelTypes: ChannelTypeEntitlement[];
  /** Channels of types no installed plugin provides any more (still counted). */
  channelsOfUninstalledTypes: Record<string, number>;
  users: { used: number; limit: number; remaining: number };
  features: string[];
}

/**
 * Answers what a tenant's plan allows. Callers pass current counts, so this service needs
 * no database access.
 */
@Injectable()
export class EntitlementsService {
  /** The plan by id; unknown ids fall back to `default`. */
  plan(planId: string): Plan {
    return BUILT_IN_PLANS[planId] ?? BUILT_IN_PLANS.default;
  }

  /**
   * @param existingOfType channels of `type` the tenant already has.
   * @throws AppError CHANNEL_TYPE_NOT_IN_PLAN or PLAN_LIMIT_REACHED (403).
   */
  assertCanAddChannel(planId: string, type: string, existingOfType: number): void {
    const plan = this.plan(planId);
    if (plan.channelTypes !== '*' && !plan.channelTypes.includes(type)) throw EntitlementErrors.channelTypeNotInPlan(type, plan.id);
    if (existingOfType >= plan.channelsPerType) {
      throw EntitlementErrors.limitReached(`${type} channels`, plan.channelsPerType, { type, planId: plan.id });
    }
  }

  /** The plan, its limits and the tenant's usage (counts passed in by the caller). */
  describe(
    planId: string,
    usage: { installed: { type: string; displayName: string; login: boolean }[]; channelsByType: Record<string, number>; users: number },
  ): EntitlementsJson {
    const plan = this.plan(planId);
    const allowedType = (t: string) => plan.channelTypes === '*' || plan.channelTypes.includes(t);
    const channelTypes = usage.installed
      .map((i) => {
        const used = usage.channelsByType[i.type] ?? 0;
        const allowed = allowedType(i.type);
        return { ...i, allowed, limit: allowed ? plan.channelsPerType : 0, used, remaining: allowed ? Math.max(0, plan.channelsPerType - used) : 0 };
      })
      .sort((a, b) => Number(b.allowed) - Number(a.allowed));
    const installed = new Set(usage.installed.map((i) => i.type));
    return {
      plan: { id: plan.id, name: plan.name },
      channelTypes,
      channelsOfUninstalledTypes: Object.fromEntries(Object.entries(usage.channelsByType).filter(([t]) => !installed.has(t))),
      users: { used: usage.users, limit: plan.maxUsers, remaining: Math.max(0, plan.maxUsers - usage.users) },
      features: [...plan.features],
    };
  }

  /** @throws AppError PLAN_LIMIT_REACHED (403) when the tenant already has `maxUsers`. */
  assertCanAddUser(planId: string, existingUsers: number): void {
    const plan = this.plan(planId);
    if (existingUsers >= plan.maxUsers) throw EntitlementErrors.limitReached('users', plan.maxUsers, { planId: plan.id });
  }
}
