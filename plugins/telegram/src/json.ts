/**
 * JSON with Telegram's 64-bit ids. Chat and user ids are integers that may exceed 2^53 in
 * principle (the Bot API promises at most 52 significant bits today, but group ids are negative
 * and `-100…`-prefixed, and a JS-number round-trip of a larger value silently changes it).
 * {@link parseJsonLosslessly} turns every integer literal that a JS number cannot hold exactly
 * into a string holding the exact digits; {@link idString} then renders any id as a string.
 */

/** A string literal, or a number literal (groups: integer digits, fraction or exponent). */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][+-]?\d+)?/g;

/**
 * `JSON.parse`, except that integer literals outside ±(2^53 − 1) come out as strings with the
 * exact digits (never a rounded number). Throws `SyntaxError` like `JSON.parse`.
 */
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

/**
 * An id as a string: an integer number (exact when safe, which {@link parseJsonLosslessly}
 * guarantees) or a string of an optional minus and digits. Null otherwise.
 */
export function idString(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null;
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return value;
  return null;
}

/**
 * A chat or user id for a Bot API request body: a JSON number when it is exact as one (as the
 * Bot API documents `Integer`), else the digits as a string (the Bot API also accepts those).
 */
export function idParam(id: string): number | string {
  const n = Number(id);
  return /^-?\d+$/.test(id) && Number.isSafeInteger(n) ? n : id;
}
