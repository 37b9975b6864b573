import { describe, expect, it } from 'vitest';
import { abilityFor, assertCan } from './abilities.js';

describe('role abilities', () => {
  it('owner and admin manage everything; agents work the inbox only', () => {
    for (const role of ['owner', 'admin'] as const) expect(abilityFor(role).can('create', 'Channel')).toBe(true);
    const agent = abilityFor('agent');
    expect(agent.can('create', 'Channel')).toBe(false);
    expect(agent.can('create', 'User')).toBe(false);
    expect(agent.can('update', 'Chat')).toBe(true);
    expect(agent.can('create', 'Message')).toBe(true);
    expect(agent.can('delete', 'Contact')).toBe(false);
    expect(() => assertCan('agent', 'create', 'Channel')).toThrow(/may not create Channel/);
  });
});
