/** Dates, times and sizes in the agent's locale and time zone (the browser's). */

/** The locale for dates: the browser's own (e.g. en-GB, 24-hour) when it is a variant of the UI language. */
export function dateLocale(uiLanguage: string, browser = typeof navigator !== 'undefined' ? navigator.language : uiLanguage): string {
  if (uiLanguage.includes('-') && uiLanguage !== 'pt-BR') return uiLanguage; // already regional
  return browser && browser.split('-')[0].toLowerCase() === uiLanguage.split('-')[0].toLowerCase() ? browser : uiLanguage;
}

export function timeOf(iso: string, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

const dayKey = (d: Date, timeZone?: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** Short time for lists: the time today, the weekday this week, else the date. */
export function shortWhen(iso: string | null, locale: string, now = new Date(), timeZone?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (dayKey(d, timeZone) === dayKey(now, timeZone)) return timeOf(iso, locale, timeZone);
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return new Intl.DateTimeFormat(dateLocale(locale), { weekday: 'short', timeZone }).format(d);
  return new Intl.DateTimeFormat(dateLocale(locale), { day: 'numeric', month: 'short', timeZone }).format(d);
}

/** Day separator label: today / yesterday / a full date. */
export function dayLabel(iso: string, locale: string, labels: { today: string; yesterday: string }, now = new Date(), timeZone?: string): string {
  const d = new Date(iso);
  if (dayKey(d, timeZone) === dayKey(now, timeZone)) return labels.today;
  if (dayKey(d, timeZone) === dayKey(new Date(now.getTime() - 86_400_000), timeZone)) return labels.yesterday;
  return new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: 'full', timeZone }).format(d);
}

export function sameDay(a: string, b: string, timeZone?: string): boolean {
  return dayKey(new Date(a), timeZone) === dayKey(new Date(b), timeZone);
}

export function fullDateTime(iso: string, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(dateLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function relativeTime(iso: string, locale: string, now = Date.now()): string {
  const diff = (Date.parse(iso) - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86_400), 'day');
}

export function fileSize(bytes: number | null | undefined, locale: string): string {
  if (bytes === null || bytes === undefined) return '';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: v < 10 && i > 0 ? 1 : 0 }).format(v);
}

/** Splits text into plain parts and http(s) links (rendered as text nodes and <a>, never HTML). */
export function linkify(text: string): { text: string; href?: string }[] {
  const out: { text: string; href?: string }[] = [];
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: m[0], href: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** Parley media links are absolute (PUBLIC_URL); load them from the origin serving the inbox. */
export function mediaSrc(url: string | null | undefined): string | null {
  if (!url) return null;
  const m = /^https?:\/\/[^/]+(\/api\/v1\/media\/.*)$/.exec(url);
  return m ? m[1] : url;
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** A stable pleasant colour per id (avatars). */
export function hueOf(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 45%)`;
}
