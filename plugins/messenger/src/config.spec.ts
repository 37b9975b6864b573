import { describe, expect, it } from 'vitest';
import { HUMAN_AGENT_WINDOW_MS, graphBaseUrl, parseInstagramConfig, parseMessengerConfig, STANDARD_WINDOW_MS, windowOf } from './config.js';

describe('configs', () => {
  it('normalises Messenger and Instagram configs (trimmed, unknown keys dropped, numeric ids as exact strings)', () => {
    expect(parseMessengerConfig({ pageId: ' 12345654332 ', pageAccessToken: 'EAAB', extra: 1 })).toEqual({ pageId: '12345654332', pageAccessToken: 'EAAB', humanAgentTag: false });
    expect(parseMessengerConfig({ pageId: 12345654332, pageAccessToken: 'EAAB', humanAgentTag: true })).toEqual({ pageId: '12345654332', pageAccessToken: 'EAAB', humanAgentTag: true });
    expect(parseInstagramConfig({ instagramAccountId: '17841452691600098', pageId: '1', pageAccessToken: 'EAAB' })).toEqual({ instagramAccountId: '17841452691600098', pageId: '1', pageAccessToken: 'EAAB', humanAgentTag: false });
  });
  it('names every problem', () => {
    expect(() => parseMessengerConfig(null)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseMessengerConfig({ pageId: 'abc/..', pageAccessToken: 'has space', humanAgentTag: 'yes' })).toThrow(/pageId has invalid characters; pageAccessToken has invalid characters; humanAgentTag must be a boolean/);
    expect(() => parseInstagramConfig({ pageId: '1' })).toThrow(/instagramAccountId is required.*pageAccessToken is required/);
  });
  it('window and Graph URL', () => {
    expect(windowOf({})).toBe(STANDARD_WINDOW_MS);
    expect(windowOf({ humanAgentTag: true })).toBe(HUMAN_AGENT_WINDOW_MS);
    expect(graphBaseUrl({ setting: () => 'http://127.0.0.1:1/v24.0/' })).toBe('http://127.0.0.1:1/v24.0');
    expect(graphBaseUrl({ setting: () => undefined })).toBe('https://graph.facebook.com/v24.0');
  });
});
