import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parsePageQuery, toPage } from './pagination.js';

describe('pagination', () => {
  it('defaults to 50, caps at 200, validates', () => {
    expect(parsePageQuery({}).limit).toBe(50);
    expect(parsePageQuery({ limit: '200' }).limit).toBe(200);
    expect(() => parsePageQuery({ limit: '201' })).toThrow();
    expect(() => parsePageQuery({ cursor: '%%%' })).toThrow(/Invalid cursor/);
  });
  it('uses the extra row to signal a next page', () => {
    const rows = [1, 2, 3];
    expect(toPage(rows, 2, (r) => r * 10, (r) => r)).toEqual({ data: [10, 20], nextCursor: encodeCursor(2) });
    expect(toPage(rows, 3, (r) => r, (r) => r).nextCursor).toBeNull();
    expect(decodeCursor(encodeCursor({ at: 1, id: 'x' }))).toEqual({ at: 1, id: 'x' });
  });
});
