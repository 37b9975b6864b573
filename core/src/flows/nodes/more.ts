/** A/B split and contact field updates. */
import { defineNode } from '@parley/sdk';

export const abSplit = defineNode<{ percentA: number }>({
  type: 'logic.ab_split',
  version: 1,
  label: 'A/B split',
  category: 'logic',
  description: 'Sends `percentA` % of runs to `a` and the rest to `b` (the branch taken is logged).',
  configSchema: { type: 'object', properties: { percentA: { type: 'number', minimum: 0, maximum: 100 } }, required: ['percentA'], additionalProperties: false },
  defaults: { percentA: 50 },
  outputs: ['a', 'b'],
  requiredOutputs: ['a', 'b'],
  execute: (ctx) => ({ output: Math.random() * 100 < ctx.config.percentA ? 'a' : 'b' }),
});

export const updateContactField = defineNode<{ field: 'name' | 'email' | 'attribute'; attribute?: string; value: string }>({
  type: 'contact.update_field',
  version: 1,
  label: 'Update contact field',
  category: 'contact',
  description: 'Sets the contact\'s name, email, or a custom attribute (`attribute`) to `value` (a template).',
  configSchema: {
    type: 'object',
    properties: {
      field: { type: 'string', enum: ['name', 'email', 'attribute'] },
      attribute: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      value: { type: 'string', maxLength: 1000 },
    },
    required: ['field', 'value'],
    additionalProperties: false,
  },
  defaults: { field: 'name', value: '{{vars.name}}' },
  outputs: ['out', 'error'],
  execute: (ctx) => {
    const value = ctx.render(ctx.config.value).trim();
    if (ctx.config.field === 'attribute') {
      if (!ctx.config.attribute) return { output: 'error', vars: { lastError: { code: 'INVALID_CONFIG', message: 'attribute is required when field is "attribute"' } } };
      return { output: 'out', effects: [{ kind: 'contact.update', fields: { attributes: { [ctx.config.attribute]: value } } }] };
    }
    if (!value) return { output: 'error', vars: { lastError: { code: 'EMPTY_VALUE', message: `The new ${ctx.config.field} is empty` } } };
    return { output: 'out', effects: [{ kind: 'contact.update', fields: { [ctx.config.field]: value.slice(0, ctx.config.field === 'name' ? 200 : 191) } }] };
  },
});
