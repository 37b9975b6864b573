import { describe, expect, it } from 'vitest';
import { whatsappChannel } from './channel.js';
import { clickToChatLink } from './click-to-chat.js';

describe('click to chat', () => {
  it('builds wa.me links from the display number', () => {
    expect(clickToChatLink({ info: { displayPhoneNumber: '+1 555-078-3881' } })).toBe('https://wa.me/15550783881');
    expect(clickToChatLink({ info: { displayPhoneNumber: '15550783881' } }, { text: 'Hi! I want the blue bike & a rack?' })).toBe(
      'https://wa.me/15550783881?text=Hi!%20I%20want%20the%20blue%20bike%20%26%20a%20rack%3F',
    );
  });

  it('is null without a usable number', () => {
    expect(clickToChatLink({ info: null })).toBeNull();
    expect(clickToChatLink({ info: { displayPhoneNumber: '12' } })).toBeNull();
  });

  it('is the channel chatLink', () => {
    expect(whatsappChannel.chatLink!({ id: 'c', tenantId: 't', name: 'n', config: {}, info: { displayPhoneNumber: '351 912 000 001' } }, { text: 'olá' })).toBe('https://wa.me/351912000001?text=ol%C3%A1');
  });
});
