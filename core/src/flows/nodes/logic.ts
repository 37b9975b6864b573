/** Logic and data nodes: condition (AND/OR groups), set variable, end. */
import { defineNode } from '@parley/sdk';

export type ConditionOp =
  | 'equals' | 'not_equals' | 'contains' | 'not_contains' | 'starts_with' | 'ends_with' | 'is_empty' | 'not_empty' | 'gt' | 'gte' | 'lt' | 'lte';

export interface ConditionRule {
  /** Left side, a template: `{{vars.name}}`, `{{contact.email}}`, `{{message.text}}`. */
  value: string;
  op: ConditionOp;
  /** Right side, a template too (unused by is_empty / not_empty). */
  compare?: string;
}

export interface ConditionGroup {
  operator: 'and' | 'or';
  rules: ConditionRule[];
}

const OPS: ConditionOp[] = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_empty', 'not_empty', 'gt', 'gte', 'lt', 'lte'];

/** Evaluates one rule on rendered strings (text comparisons ignore case; gt/lt compare numbers). */
export function evalRule(op: ConditionOp, left: string, right: string): boolean {
  const l = left.trim().toLowerCase();
  const r = right.trim().toLowerCase();
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s.trim().replace(',', '.')));
  switch (op) {
    case 'equals': return l === r;
    case 'not_equals': return l !== r;
    case 'contains': return l.includes(r);
    case 'not_contains': return !l.includes(r);
    case 'starts_with': return l.startsWith(r);
    case 'ends_with': return l.endsWith(r);
    case 'is_empty': return l === '';
    case 'not_empty': return l !== '';
    case 'gt': return num(left) > num(right);
    case 'gte': return num(left) >= num(right);
    case 'lt': return num(left) < num(right);
    case 'lte': return num(left) <= num(right);
  }
}

const ruleSchema = {
  type: 'object',
  properties: { value: { type: 'string', maxLength: 1000 }, op: { type: 'string', enum: OPS }, compare: { type: 'string', maxLength: 1000 } },
  required: ['value', 'op'],
  additionalProperties: false,
};

export const condition = defineNode<{ operator: 'and' | 'or'; groups: ConditionGroup[] }>({
  type: 'logic.condition',
  version: 1,
  label: 'Condition',
  category: 'logic',
  description: 'Follows `true` when the groups match (groups joined by `operator`, rules in a group by the group\'s operator), else `false`.',
  configSchema: {
    type: 'object',
    properties: {
      operator: { type: 'string', enum: ['and', 'or'] },
      groups: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { type: 'object', properties: { operator: { type: 'string', enum: ['and', 'or'] }, rules: { type: 'array', items: ruleSchema, minItems: 1, maxItems: 50 } }, required: ['operator', 'rules'], additionalProperties: false },
      },
    },
    required: ['operator', 'groups'],
    additionalProperties: false,
  },
  defaults: { operator: 'and', groups: [{ operator: 'and', rules: [{ value: '{{message.text}}', op: 'contains', compare: '' }] }] },
  outputs: ['true', 'false'],
  requiredOutputs: ['true', 'false'],
  execute: (ctx) => {
    const group = (g: ConditionGroup) => {
      const results = g.rules.map((r) => evalRule(r.op, ctx.render(r.value), ctx.render(r.compare ?? '')));
      return g.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
    };
    const groups = ctx.config.groups.map(group);
    const ok = ctx.config.operator === 'and' ? groups.every(Boolean) : groups.some(Boolean);
    return { output: ok ? 'true' : 'false' };
  },
});

export const setVariable = defineNode<{ variable: string; value?: string; expression?: string }>({
  type: 'data.set_variable',
  version: 1,
  label: 'Set variable',
  category: 'data',
  description: 'Sets `vars[variable]` to `value` (a template) or to the result of a JavaScript `expression` evaluated in the sandbox (`vars`, `contact`, `message` readable).',
  configSchema: {
    type: 'object',
    properties: {
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      value: { type: 'string', maxLength: 4096 },
      expression: { type: 'string', minLength: 1, maxLength: 4096 },
    },
    required: ['variable'],
    additionalProperties: false,
  },
  defaults: { variable: 'x', value: '' },
  outputs: ['out', 'error'],
  execute: async (ctx) => {
    if (ctx.config.expression) {
      try {
        return { output: 'out', vars: { [ctx.config.variable]: await ctx.runCode(`return (${ctx.config.expression}\n);`) } };
      } catch (e) {
        return errorResult(e);
      }
    }
    return { output: 'out', vars: { [ctx.config.variable]: ctx.render(ctx.config.value ?? '') } };
  },
});

/** Result of a failed code or expression: `vars.lastError` and the `error` branch. */
export function errorResult(e: unknown) {
  const err = e as { code?: string; message?: string };
  return { output: 'error', vars: { lastError: { code: err.code ?? 'ERROR', message: String(err.message ?? e) } } };
}

export const flowEnd = defineNode<Record<string, never>>({
  type: 'flow.end',
  version: 1,
  label: 'End',
  category: 'flow',
  description: 'Ends the run.',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  outputs: [],
  execute: () => ({ end: true }),
});
