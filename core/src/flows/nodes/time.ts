/** Time nodes: wait / delay, business-hours branch. */
import { defineNode } from '@parley/sdk';

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

export const timeDelay = defineNode<{ amount: number; unit: keyof typeof UNIT_MS }>({
  type: 'time.delay',
  version: 1,
  label: 'Wait',
  category: 'time',
  description:
    'Pauses the run for `amount` `unit`s (an agenda job resumes it, also after a restart), then follows `out`. Messages from the contact meanwhile are ignored by the bot. Simulations do not wait.',
  configSchema: {
    type: 'object',
    properties: { amount: { type: 'number', exclusiveMinimum: 0, maximum: 100000 }, unit: { type: 'string', enum: ['seconds', 'minutes', 'hours', 'days'] } },
    required: ['amount', 'unit'],
    additionalProperties: false,
  },
  defaults: { amount: 5, unit: 'minutes' },
  outputs: ['out'],
  waits: true,
  validate: (c) => (c.amount * UNIT_MS[c.unit] > 365 * UNIT_MS.days ? ['amount: at most 365 days'] : []),
  execute: (ctx) => ({ wait: { for: 'time', at: ctx.now + Math.round(ctx.config.amount * UNIT_MS[ctx.config.unit]) } }),
  resume: (ctx) => (ctx.wake === 'time' ? { output: 'out' } : { wait: { for: 'time', at: Number(ctx.state.at ?? ctx.now) } }),
});

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const DAYS: Day[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface BusinessHoursConfig {
  /** IANA time zone, e.g. `Europe/Lisbon`. */
  timezone: string;
  /** Opening intervals per weekday, `HH:MM` 24-hour; a day without intervals is closed. */
  hours: Partial<Record<Day, { from: string; to: string }[]>>;
  /** Closed dates `YYYY-MM-DD` (local to `timezone`). */
  closedDates?: string[];
}

/** Local weekday, date and minutes-since-midnight of `at` in `timezone`. */
export function localTime(at: number, timezone: string): { day: Day; date: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const day = DAYS[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday)];
  return { day, date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when `at` falls in the opening hours (`to` exclusive; `to` before `from` spans midnight). */
export function isOpen(c: BusinessHoursConfig, at: number): boolean {
  const { day, date, minutes } = localTime(at, c.timezone);
  if (c.closedDates?.includes(date)) return false;
  const prevDay = DAYS[(DAYS.indexOf(day) + 6) % 7];
  const today = (c.hours[day] ?? []).some(({ from, to }) => {
    const f = toMinutes(from);
    const t = toMinutes(to);
    return t > f ? minutes >= f && minutes < t : minutes >= f; // overnight: the part before midnight
  });
  const fromYesterday = (c.hours[prevDay] ?? []).some(({ from, to }) => toMinutes(to) <= toMinutes(from) && minutes < toMinutes(to));
  return today || fromYesterday;
}

const interval = { type: 'object', properties: { from: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, to: { type: 'string', pattern: '^([01]\\d|2[0-4]):[0-5]\\d$' } }, required: ['from', 'to'], additionalProperties: false };
const dayList = { type: 'array', items: interval, maxItems: 10 };

export const businessHours = defineNode<BusinessHoursConfig>({
  type: 'logic.business_hours',
  version: 1,
  label: 'Business hours',
  category: 'logic',
  description: 'Follows `open` when the current time in `timezone` is within the weekly opening hours (and not a closed date), else `closed`.',
  configSchema: {
    type: 'object',
    properties: {
      timezone: { type: 'string', minLength: 1, maxLength: 64 },
      hours: { type: 'object', properties: Object.fromEntries(DAYS.map((d) => [d, dayList])), additionalProperties: false },
      closedDates: { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, maxItems: 366 },
    },
    required: ['timezone', 'hours'],
    additionalProperties: false,
  },
  defaults: { timezone: 'UTC', hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]])) },
  outputs: ['open', 'closed'],
  requiredOutputs: ['open', 'closed'],
  validate: (c) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: c.timezone });
      return [];
    } catch {
      return [`timezone: unknown time zone ${c.timezone}`];
    }
  },
  execute: (ctx) => ({ output: isOpen(ctx.config, ctx.now) ? 'open' : 'closed' }),
});
