/**
 * How `ask.question` reads an answer: each capture kind turns the inbound message into the
 * value stored in `vars[variable]`, or undefined when the answer is not valid for it.
 */
import * as chrono from 'chrono-node';
import type { FlowContactCard, FlowLocation, FlowMediaRef, FlowMessage } from '../flow-message.js';
import { fold } from './triggers.js';

export const CAPTURE_KINDS = ['text', 'number', 'email', 'phone', 'date', 'choice', 'image', 'video', 'audio', 'document', 'location', 'contact'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];

/** One option of a `choice` capture; `value` (default: the title) is what gets stored. */
export interface ChoiceOption {
  title: string;
  value?: string;
}

/** What a capture may need besides the message. */
export interface CaptureOptions {
  options?: ChoiceOption[];
  /** `DMY` (default: 05/03/2025 is 5 March) or `MDY` (March 5) for numeric dates. */
  dateOrder?: 'DMY' | 'MDY';
  /** IANA zone in which relative dates ("today", "next friday") are resolved (default UTC). */
  timezone?: string;
  /** Epoch ms of "now" (relative dates). */
  now?: number;
}

export type CapturedValue = string | number | FlowMediaRef | FlowLocation | FlowContactCard;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const MEDIA_KINDS = new Set(['image', 'video', 'audio', 'document']);

/** Parses an answer; undefined when it is not valid for `capture`. */
export function captureAnswer(capture: CaptureKind, message: FlowMessage | null | undefined, o: CaptureOptions = {}): CapturedValue | undefined {
  if (!message) return undefined;
  if (MEDIA_KINDS.has(capture)) return message.type === capture && message.media ? message.media : undefined;
  if (capture === 'location') return message.location ?? undefined;
  if (capture === 'contact') return message.contacts?.find((c) => c.name || c.phones.length) ?? undefined;
  if (capture === 'choice') return chooseOption(o.options ?? [], message)?.value;
  const text = (message.text ?? '').trim();
  if (!text) return undefined;
  switch (capture) {
    case 'text':
      return text;
    case 'number': {
      const m = text.replace(/\s/g, '').replace(/,(\d+)$/, '.$1');
      return /^[-+]?\d+(\.\d+)?$/.test(m) ? Number(m) : undefined;
    }
    case 'email':
      return EMAIL.test(text) ? text.toLowerCase() : undefined;
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
    }
    case 'date':
      return parseDateAnswer(text, o);
  }
  return undefined;
}

/**
 * The option a reply picks: its number (1-based), then an exact title, then the title
 * case- and accent-insensitively; an interactive reply (button / list row) also matches by its
 * id against the option's value. Returns the option with its stored `value`.
 */
export function chooseOption(options: ChoiceOption[], message: FlowMessage): { title: string; value: string } | undefined {
  const withValue = options.map((op) => ({ title: op.title, value: op.value ?? op.title }));
  const text = (message.reply?.title ?? message.text ?? '').trim();
  if (message.reply?.id) {
    const byId = withValue.find((op) => op.value === message.reply!.id);
    if (byId) return byId;
  }
  if (!text) return undefined;
  if (/^\d{1,3}\.?$/.test(text)) {
    const i = Number(text.replace('.', ''));
    if (i >= 1 && i <= withValue.length) return withValue[i - 1];
  }
  return withValue.find((op) => op.title === text) ?? withValue.find((op) => fold(op.title.trim()) === fold(text));
}

const PARSERS = [chrono.en, chrono.es, chrono.pt, chrono.fr, chrono.de, chrono.it, chrono.nl];

/**
 * A date answer as an ISO date (`YYYY-MM-DD`), via chrono-node: ISO dates (`2025-03-05`),
 * numeric dates (`05/03/2025`, `5.3.2025`, `5-3-25`; day first unless `dateOrder: 'MDY'`),
 * written dates in English, Spanish, Portuguese, French, German, Italian and Dutch
 * (`March 5`, `5 de marzo de 2025`, `le 5 mars`), and relative ones (`today`, `tomorrow`,
 * `next friday`, `in 3 days`, `mañana`), resolved in `timezone`. A missing year is this year.
 * Undefined when the text holds no complete date (a day and a month at least).
 */
export function parseDateAnswer(text: string, o: CaptureOptions = {}): string | undefined {
  const t = text.trim().slice(0, 200);
  if (!t) return undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (iso) return validYmd(+iso[1], +iso[2], +iso[3]);
  // the reference "now" as wall-clock time of the zone, built in local components (chrono reads local components)
  const wall = wallClock(o.now ?? Date.now(), o.timezone ?? 'UTC');
  const ref = new Date(wall.y, wall.m - 1, wall.d, 12, 0, 0);
  const numeric = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?$/.exec(t);
  if (numeric) {
    const [a, b] = [+numeric[1], +numeric[2]];
    const [day, month] = o.dateOrder === 'MDY' ? [b, a] : [a, b];
    let year = numeric[3] ? +numeric[3] : wall.y;
    if (numeric[3]?.length === 2) year += 2000;
    return validYmd(year, month, day);
  }
  for (const parser of o.dateOrder === 'MDY' ? [chrono.en, ...PARSERS.slice(1)] : [chrono.en.GB, ...PARSERS.slice(1)]) {
    const r = parser.parse(t, ref)[0];
    if (!r) continue;
    const s = r.start;
    // "at 5pm" alone is no date: a day (or a weekday) must be stated or implied ("tomorrow", "in 3 days")
    if (!s.isCertain('day') && !s.isCertain('weekday')) continue;
    return validYmd(s.get('year')!, s.get('month')!, s.get('day')!);
  }
  return undefined;
}

function validYmd(y: number, m: number, d: number): string | undefined {
  if (!(y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return undefined;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return undefined; // 31 April
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function wallClock(ms: number, timeZone: string): { y: number; m: number; d: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  }
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}
