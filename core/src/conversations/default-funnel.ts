/** The funnel every new tenant starts with (issue 2 part 3). */
export const DEFAULT_FUNNEL = { name: 'Sales', stages: ['New', 'In progress', 'Won', 'Lost'] } as const;
