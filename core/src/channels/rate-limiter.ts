import type { RateLimit } from '@parley/sdk';

/**
 * In-memory token buckets keyed by string (per instance). `reserve(key, limit)` takes a token
 * and returns how many ms the caller must wait before using it (0 when one was available).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  reserve(key: string, limit: RateLimit, now = Date.now()): number {
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.ratePerSec);
    b.at = now;
    b.tokens -= 1;
    this.buckets.set(key, b);
    return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens / limit.ratePerSec) * 1000);
  }
}
