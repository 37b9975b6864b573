import { describe, expect, it } from 'vitest';
import { render } from './template.js';

describe('render', () => {
  const scope = { vars: { name: 'Ana', order: { id: 7 }, n: 0 }, contact: { name: 'Ana Lima', attributes: { plan: 'pro' } }, message: { text: 'hi' } };
  it('replaces contact, vars and message placeholders', () => {
    expect(render('Hi {{contact.name}}, {{ vars.name }} #{{vars.order.id}} said "{{message.text}}" ({{contact.attributes.plan}}) {{vars.n}}', scope)).toBe(
      'Hi Ana Lima, Ana #7 said "hi" (pro) 0',
    );
  });
  it('renders unknown paths empty and objects as JSON, and ignores prototype keys', () => {
    expect(render('[{{vars.nope}}][{{vars.order}}][{{vars.constructor}}][{{other.x}}]', scope)).toBe('[][{"id":7}][][{{other.x}}]');
  });
});
