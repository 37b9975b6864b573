import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then spaces requests by the rate', () => {
    const r = new RateLimiter();
    const limit = { ratePerSec: 1 / 6, burst: 2 };
    expect(r.reserve('k', limit, 0)).toBe(0);
    expect(r.reserve('k', limit, 0)).toBe(0);
    expect(r.reserve('k', limit, 0)).toBe(6000);
    expect(r.reserve('k', limit, 0)).toBe(12000);
    expect(r.reserve('other', limit, 0)).toBe(0);
  });
  it('refills over time up to the burst', () => {
    const r = new RateLimiter();
    const limit = { ratePerSec: 80, burst: 80 };
    for (let i = 0; i < 80; i++) expect(r.reserve('a', limit, 1000)).toBe(0);
    expect(r.reserve('a', limit, 1000)).toBeGreaterThan(0);
    expect(r.reserve('a', limit, 10_000)).toBe(0);
  });
});
