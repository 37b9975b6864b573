import { describe, expect, it } from 'vitest';
import { isOpen } from './time.js';
import { chosenOption, renderDeep } from './send.js';

const weekdays = { mon: [{ from: '09:00', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }], fri: [{ from: '22:00', to: '02:00' }] };

describe('business hours', () => {
  it('uses the time zone, weekly intervals, overnight spans and closed dates', () => {
    const c = { timezone: 'America/New_York', hours: weekdays, closedDates: ['2025-01-07'] };
    expect(isOpen(c, Date.parse('2025-01-06T14:00:00Z'))).toBe(true); // Mon 09:00 New York
    expect(isOpen(c, Date.parse('2025-01-06T13:59:00Z'))).toBe(false); // Mon 08:59
    expect(isOpen(c, Date.parse('2025-01-06T23:00:00Z'))).toBe(false); // Mon 18:00 (end exclusive)
    expect(isOpen(c, Date.parse('2025-01-07T15:00:00Z'))).toBe(false); // closed date
    expect(isOpen(c, Date.parse('2025-01-11T04:00:00Z'))).toBe(true); // Fri 23:00
    expect(isOpen(c, Date.parse('2025-01-11T06:30:00Z'))).toBe(true); // Sat 01:30, from Friday's span
    expect(isOpen(c, Date.parse('2025-01-11T07:30:00Z'))).toBe(false); // Sat 02:30
    expect(isOpen({ timezone: 'UTC', hours: { sun: [{ from: '00:00', to: '24:00' }] } }, Date.parse('2025-01-05T23:59:00Z'))).toBe(true);
  });
});

describe('send helpers', () => {
  it('matches a reply to an option by id, title or number', () => {
    const opts = [{ id: 'yes', title: 'Yes please' }, { id: 'no', title: 'No' }];
    expect(chosenOption(opts, 'YES PLEASE')?.id).toBe('yes');
    expect(chosenOption(opts, 'no')?.id).toBe('no');
    expect(chosenOption(opts, '2')?.id).toBe('no');
    expect(chosenOption(opts, 'maybe')).toBeUndefined();
  });
  it('renders string leaves only', () => {
    expect(renderDeep({ a: ['{{x}}', 1, { b: '{{x}}' }], c: null }, (s) => s.replace('{{x}}', 'X'))).toEqual({ a: ['X', 1, { b: 'X' }], c: null });
  });
});
