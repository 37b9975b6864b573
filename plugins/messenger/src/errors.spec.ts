import { describe, expect, it } from 'vitest';
import { classifyGraphError, graphErrorOf, mapGraphError, mapNetworkError } from './errors.js';

const body = (code: number, subcode?: number, message = `(#${code}) error`) => ({ error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'A1' } });

describe('Graph error mapping', () => {
  it.each([
    [190, undefined, 401, 'INVALID_CREDENTIALS', false],
    [190, 463, 400, 'INVALID_CREDENTIALS', false],
    [102, undefined, 400, 'INVALID_CREDENTIALS', false],
    [10, 2018278, 400, 'OUTSIDE_CUSTOMER_SERVICE_WINDOW', false],
    [10, 2018065, 403, 'PERMANENT', false],
    [200, 1545041, 403, 'PERMANENT', false],
    [230, undefined, 403, 'PERMANENT', false],
    [551, 1545041, 400, 'RECIPIENT_UNREACHABLE', false],
    [100, 2018001, 400, 'RECIPIENT_UNREACHABLE', false],
    [100, 2018047, 400, 'INVALID_MESSAGE', false],
    [613, undefined, 400, 'RATE_LIMITED', true],
    [4, undefined, 400, 'RATE_LIMITED', true],
    [32, undefined, 400, 'RATE_LIMITED', true],
    [17, undefined, 400, 'RATE_LIMITED', true],
    [1, undefined, 500, 'TEMPORARY', true],
    [2, undefined, 503, 'TEMPORARY', true],
    [368, undefined, 400, 'PERMANENT', false],
  ])('code %s / subcode %s (HTTP %s) → %s', (code, subcode, status, expected, retryable) => {
    const err = mapGraphError(status, body(code, subcode));
    expect(err).toMatchObject({ code: expected, retryable, providerCode: code, providerMessage: `(#${code}) error` });
    if (expected === 'RATE_LIMITED') expect(err.retryAfterMs).toBe(60_000);
    expect(err.message).toContain(subcode ? `${code}/${subcode}` : String(code));
  });

  it('falls back on the HTTP status without a Graph body', () => {
    expect(classifyGraphError(undefined, undefined, 401)).toBe('INVALID_CREDENTIALS');
    expect(classifyGraphError(undefined, undefined, 429)).toBe('RATE_LIMITED');
    expect(classifyGraphError(undefined, undefined, 502)).toBe('TEMPORARY');
    expect(classifyGraphError(undefined, undefined, 400)).toBe('PERMANENT');
    expect(mapGraphError(503, '<html>down</html>')).toMatchObject({ code: 'TEMPORARY', providerCode: 503, retryable: true });
  });

  it('reads error bodies given as text; network errors are temporary', () => {
    expect(graphErrorOf(JSON.stringify(body(190)))?.code).toBe(190);
    expect(graphErrorOf('nope')).toBeUndefined();
    expect(mapNetworkError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'send')).toMatchObject({ code: 'TEMPORARY', message: expect.stringContaining('timed out') });
  });
});
