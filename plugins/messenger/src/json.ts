/**
 * JSON with Meta's numeric-looking ids. Real Meta webhooks send page, PSID, IGSID and
 * Instagram account ids as strings, but some libraries and captures (restfb's fixtures, see
 * fixtures SOURCES.md) write them as JSON numbers — and Instagram ids such as
 * 17841452691600098 exceed 2^53, so a JS-number round-trip silently changes them.
 * {@link parseJsonLosslessly} turns every integer literal a JS number cannot hold exactly into a
 * string with the exact digits; {@link idString} renders any id as a string.
 */

/** A string literal, or a number literal (groups: fraction, exponent). */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][+-]?\d+)?/g;

/** `JSON.parse`, except that unsafe integer literals come out as strings with the exact digits. */
export function parseJsonLosslessly(text: string): unknown {
  let changed = false;
  const safe = text.replace(TOKEN, (token, fraction: string | undefined, exponent: string | undefined) => {
    if (token.startsWith('"') || fraction !== undefined || exponent !== undefined) return token;
    if (Number.isSafeInteger(Number(token))) return token;
    changed = true;
    return `"${token}"`;
  });
  return JSON.parse(changed ? safe : text);
}

/** An id as a string: a safe integer number, or a non-empty string. Null otherwise. */
export function idString(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string' && value.trim() !== '') return value;
  return null;
}
