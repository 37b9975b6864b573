import { Injectable } from '@nestjs/common';
import { BUILT_IN_PLANS, type Plan } from './plans.js';
import { EntitlementErrors } from './entitlements.errors.js';

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

  /** @throws AppError PLAN_LIMIT_REACHED (403) when the tenant already has `maxUsers`. */
  assertCanAddUser(planId: string, existingUsers: number): void {
    const plan = this.plan(planId);
    if (existingUsers >= plan.maxUsers) throw EntitlementErrors.limitReached('users', plan.maxUsers, { planId: plan.id });
  }
}
