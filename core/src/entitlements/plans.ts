/**
 * Plans and their entitlements. Until the billing plugin exists, every tenant is on the
 * built-in `default` plan (DESIGN.md / issue 2 part 4).
 */

/** What a plan allows. `channelTypes: '*'` means every installed channel type. */
export interface Plan {
  id: string;
  name: string;
  channelTypes: '*' | string[];
  /** Max connected channels of each type. */
  channelsPerType: number;
  /** Max users (all roles) in the tenant. */
  maxUsers: number;
  /** Feature flags switched on by the plan. */
  features: string[];
}

export const BUILT_IN_PLANS: Record<string, Plan> = {
  default: { id: 'default', name: 'Default', channelTypes: '*', channelsPerType: 3, maxUsers: 10, features: [] },
};
