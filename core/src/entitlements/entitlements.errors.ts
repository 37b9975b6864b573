import { AppError } from '../http/app-error.js';

export const EntitlementErrors = {
  limitReached: (limit: string, max: number, details: Record<string, unknown> = {}) =>
    new AppError('PLAN_LIMIT_REACHED', `Your plan allows at most ${max} ${limit}. Upgrade the plan or remove one first.`, { limit, max, ...details }),
  channelTypeNotInPlan: (type: string, planId: string) =>
    new AppError('CHANNEL_TYPE_NOT_IN_PLAN', `Channels of type "${type}" are not included in your plan`, { type, planId }),
};
