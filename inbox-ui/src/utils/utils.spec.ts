// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { dateLocale, dayLabel, fileSize, linkify, mediaSrc, shortWhen, timeOf } from './format.js';
import { filtersFromQuery, queryFromFilters } from './filters.js';
import { windowClosed } from './window.js';

describe('format', () => {
  it('formats times in the given time zone and locale', () => {
    expect(timeOf('2026-03-01T13:05:00Z', 'en-GB', 'Europe/Lisbon')).toBe('13:05');
    expect(timeOf('2026-03-01T13:05:00Z', 'en-GB', 'America/Sao_Paulo')).toBe('10:05');
    const now = new Date('2026-03-05T12:00:00Z');
    expect(shortWhen('2026-03-05T08:00:00Z', 'en-GB', now, 'UTC')).toBe('08:00');
    expect(shortWhen('2026-01-05T08:00:00Z', 'en-GB', now, 'UTC')).toBe('5 Jan');
    expect(dayLabel('2026-03-04T08:00:00Z', 'en', { today: 'Today', yesterday: 'Yesterday' }, now, 'UTC')).toBe('Yesterday');
    expect(dateLocale('en', 'en-GB')).toBe('en-GB');
    expect(dateLocale('ar', 'en-GB')).toBe('ar');
  });
  it('splits links without HTML, sizes files, and rewrites media URLs to the inbox origin', () => {
    expect(linkify('go to https://a.b/c, now')).toEqual([{ text: 'go to ' }, { text: 'https://a.b/c', href: 'https://a.b/c' }, { text: ', now' }]);
    expect(fileSize(1536, 'en')).toMatch(/1.5 kB|1.5 KB/);
    expect(mediaSrc('http://localhost:3000/api/v1/media/x?sig=1')).toBe('/api/v1/media/x?sig=1');
    expect(mediaSrc('https://cdn.example/x.jpg')).toBe('https://cdn.example/x.jpg');
  });
});

describe('filters in the URL', () => {
  it('round-trips and drops invalid values', () => {
    const f = filtersFromQuery({ status: 'open', assigneeId: 'me', unread: '1', from: '2026-01-01', to: 'nope', q: ' bike ', bogus: 'x' });
    expect(f).toEqual({ status: 'open', assigneeId: 'me', unread: true, from: '2026-01-01', q: 'bike' });
    expect(queryFromFilters(f)).toEqual({ status: 'open', assigneeId: 'me', unread: '1', from: '2026-01-01', q: 'bike' });
    expect(filtersFromQuery({ status: 'deleted' })).toEqual({});
  });
});

describe('24-hour window', () => {
  const now = Date.parse('2026-03-02T12:00:00Z');
  it('closes 24 h after the last inbound message on WhatsApp only', () => {
    expect(windowClosed({ lastInboundAt: '2026-03-01T13:00:00Z' }, 'whatsapp', now)).toBe(false);
    expect(windowClosed({ lastInboundAt: '2026-03-01T11:00:00Z' }, 'whatsapp', now)).toBe(true);
    expect(windowClosed({ lastInboundAt: null }, 'whatsapp', now)).toBe(true);
    expect(windowClosed({ lastInboundAt: '2026-01-01T11:00:00Z' }, 'telegram', now)).toBe(false);
  });
});

describe('languages', () => {
  // matching tags, ?lang= and dir=rtl: ui-kit/src/i18n.spec.ts
  it('every locale has every key of English', async () => {
    const flat = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
    const en = flat((await import('../i18n/locales/en.js')).default).sort();
    for (const code of ['es', 'pt-BR', 'ar']) {
      expect(flat((await import(`../i18n/locales/${code}.ts`)).default).sort(), code).toEqual(en);
    }
  });
});
