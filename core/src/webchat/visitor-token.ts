/**
 * Visitor tokens of the web chat: `<payload>.<signature>` where payload is base64url JSON
 * `{c: channelId, v: visitorId}` and the signature is HMAC-SHA256 with the platform's JWT
 * secret under a web-chat-only label, so a visitor token is never an agent token (nor the
 * reverse). No expiry: the widget keeps it in localStorage to keep the conversation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../http/app-error.js';

export interface VisitorClaims {
  channelId: string;
  visitorId: string;
}

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`webchat-visitor:${payload}`).digest('base64url');

export function issueVisitorToken(secret: string, claims: VisitorClaims): string {
  const payload = Buffer.from(JSON.stringify({ c: claims.channelId, v: claims.visitorId })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** @throws AppError VISITOR_TOKEN_INVALID (401) for a missing, forged or other channel's token. */
export function verifyVisitorToken(secret: string, token: string | undefined | null, channelId?: string): VisitorClaims {
  const fail = () => new AppError('VISITOR_TOKEN_INVALID', 'The visitor token is missing or invalid: start a new conversation');
  if (typeof token !== 'string' || token.length > 512) throw fail();
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) throw fail();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw fail();
  let claims: { c?: unknown; v?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (typeof claims.c !== 'string' || typeof claims.v !== 'string') throw fail();
  if (channelId !== undefined && claims.c !== channelId) throw fail();
  return { channelId: claims.c, visitorId: claims.v };
}

/** A token bucket that refuses (rather than queues) when empty: visitor rate limits. */
export class Throttle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerSec: number, private readonly burst: number, private readonly maxKeys = 50_000) {}

  /** Takes a token for `key`; returns 0 when allowed, else the ms until one is available. */
  take(key: string, now = Date.now()): number {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSec);
    b.at = now;
    if (this.buckets.size >= this.maxKeys && !this.buckets.has(key)) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / this.ratePerSec) * 1000);
    b.tokens -= 1;
    return 0;
  }
}
