/**
 * Cursor pagination (DESIGN.md §4): `?limit=` (default 50, max 200) and `?cursor=`;
 * answers `{data:[...], nextCursor: string|null}`. Cursors are opaque base64url JSON.
 */
import { z } from 'zod';
import { parseInput } from './validation.js';
import { AppError } from './app-error.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A page of results as answered by list endpoints. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).optional(),
});

/** Parsed `limit` and decoded cursor of a list request. @throws AppError VALIDATION_FAILED. */
export function parsePageQuery<C>(query: unknown): { limit: number; cursor: C | null } {
  const { limit, cursor } = parseInput(pageQuery, query ?? {});
  return { limit, cursor: cursor ? decodeCursor<C>(cursor) : null };
}

/** Encodes a cursor value. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor. @throws AppError VALIDATION_FAILED on garbage. */
export function decodeCursor<C>(cursor: string): C {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as C;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'Invalid cursor', { cursor });
  }
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only signals that more exist.
 * `cursorOf` gives the cursor value of the last returned row.
 */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => unknown): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return { data: pageRows.map(map), nextCursor: more ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null };
}
