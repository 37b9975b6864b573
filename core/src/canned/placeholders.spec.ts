import { describe, expect, it } from 'vitest';
import { renderPlaceholders } from './placeholders.js';

describe('renderPlaceholders', () => {
  const src = { contact: { name: 'Sheena Nelson', phone: '+1555', email: null }, agent: { name: 'Ana Lima', email: 'a@x' } };
  it('fills contact and agent fields, with or without spaces in the braces', () => {
    expect(renderPlaceholders('Hi {{contact.firstName}}, I am {{ agent.name }} ({{contact.phone}})', src)).toBe('Hi Sheena, I am Ana Lima (+1555)');
  });
  it('leaves unknown placeholders and drops empty values cleanly', () => {
    expect(renderPlaceholders('Hi {{contact.email}}, see {{order.id}}', src)).toBe('Hi, see {{order.id}}');
    expect(renderPlaceholders('Hello {{contact.name}}!', { contact: null, agent: null })).toBe('Hello!');
  });
});
