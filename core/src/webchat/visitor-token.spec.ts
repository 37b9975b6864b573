import { describe, expect, it } from 'vitest';
import { issueVisitorToken, Throttle, verifyVisitorToken } from './visitor-token.js';
import { buttonSnippet } from './click-to-chat.service.js';

describe('visitor tokens', () => {
  const secret = 'test-secret';
  const token = issueVisitorToken(secret, { channelId: 'ch1', visitorId: 'v1' });

  it('round-trips and binds the channel', () => {
    expect(verifyVisitorToken(secret, token)).toEqual({ channelId: 'ch1', visitorId: 'v1' });
    expect(verifyVisitorToken(secret, token, 'ch1')).toEqual({ channelId: 'ch1', visitorId: 'v1' });
    expect(() => verifyVisitorToken(secret, token, 'ch2')).toThrow(/visitor token/);
  });

  it.each([
    ['missing', undefined],
    ['garbage', 'abc'],
    ['other secret', issueVisitorToken('other', { channelId: 'ch1', visitorId: 'v1' })],
    ['tampered payload', Buffer.from(JSON.stringify({ c: 'ch1', v: 'v2' })).toString('base64url') + '.' + token.split('.')[1]],
    ['extra part', `${token}.x`],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('refuses %s', (_name, t) => {
    expect(() => verifyVisitorToken(secret, t)).toThrow(expect.objectContaining({ code: 'VISITOR_TOKEN_INVALID' }));
  });
});

describe('Throttle', () => {
  it('allows a burst, then refuses until tokens refill', () => {
    const t = new Throttle(1, 3);
    expect([t.take('a', 0), t.take('a', 0), t.take('a', 0)]).toEqual([0, 0, 0]);
    expect(t.take('a', 0)).toBe(1000);
    expect(t.take('b', 0)).toBe(0);
    expect(t.take('a', 1000)).toBe(0);
    expect(t.take('a', 1000)).toBeGreaterThan(0);
  });
});

describe('click-to-chat button snippet', () => {
  it('escapes the label and the link', () => {
    const html = buttonSnippet('https://p.test/c/a"b', { position: 'left', color: '#25d366', label: '<img src=x onerror=alert(1)>' });
    expect(html).toContain('href="https://p.test/c/a&quot;b"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;</a>');
    expect(html).toContain('left:20px');
    expect(html).not.toContain('<img');
  });
});
