/**
 * JSON Schema helpers for the generated node forms: which widget a property gets, an empty
 * value for a schema, and inline validation (the subset node types use: type, required,
 * enum, min/maxLength, pattern, minimum/maximum, exclusiveMinimum, min/maxItems).
 * The server's validation stays the reference; this only gives immediate feedback.
 */
import type { JsonSchema } from '../api/types.js';

export type Widget =
  | 'select' | 'text' | 'textarea' | 'code' | 'number' | 'checkbox' | 'tags' | 'list' | 'object' | 'keyvalue' | 'json' | 'conditions';

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** The widget for property `key` with schema `s`. */
export function widgetFor(key: string, s: JsonSchema): Widget {
  const t = typeOf(s);
  if (s.enum) return 'select';
  if (t === 'string') {
    if (key === 'code' || key === 'expression') return 'code';
    if ((s.maxLength ?? 0) > 300 || key === 'body') return 'textarea';
    return 'text';
  }
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'boolean') return 'checkbox';
  if (t === 'array') {
    const it = s.items ?? {};
    if (key === 'groups' && it.properties?.rules && it.properties?.operator) return 'conditions';
    if (typeOf(it) === 'string' && !it.enum) return 'tags';
    if (typeOf(it) === 'object' && it.properties) return 'list';
    return 'json';
  }
  if (t === 'object') {
    if (s.properties && Object.keys(s.properties).length) return 'object';
    if (s.additionalProperties && typeof s.additionalProperties === 'object' && typeOf(s.additionalProperties) === 'string') return 'keyvalue';
    return 'json';
  }
  return 'json';
}

/** Strings that are rendered as templates get a variable picker (not identifiers or enums). */
export function takesVariables(key: string, s: JsonSchema): boolean {
  return typeOf(s) === 'string' && !s.enum && !s.pattern && !['code', 'expression', 'secret', 'timezone', 'cron', 'at', 'flowId', 'userId', 'assigneeId', 'id'].includes(key);
}

/** An empty value of the schema (for new list items). */
export function emptyValue(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'string': return '';
    case 'number':
    case 'integer': return s.minimum ?? 0;
    case 'boolean': return false;
    case 'array': return [];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) if (s.properties?.[k]) o[k] = emptyValue(s.properties[k]);
      return o;
    }
    default: return null;
  }
}

export interface FieldError {
  /** Dotted path inside the config, e.g. `options.1.title` (empty for the root). */
  path: string;
  message: string;
  /** Translation key and values for the message. */
  key: string;
  values?: Record<string, unknown>;
}

/** Inline problems of `value` against `s` (required, types, lengths, patterns, ranges, items). */
export function validateValue(s: JsonSchema, value: unknown, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  const push = (key: string, message: string, values?: Record<string, unknown>) => errs.push({ path, key, message, values });
  if (value === undefined || value === null) return errs;
  const t = typeOf(s);
  if (s.enum && !s.enum.includes(value)) push('form.errors.enum', 'Pick one of the options');
  if (t === 'string') {
    if (typeof value !== 'string') return (push('form.errors.type', 'Expected text'), errs);
    if (s.minLength !== undefined && value.length < s.minLength) push(s.minLength === 1 ? 'form.errors.required' : 'form.errors.minLength', s.minLength === 1 ? 'Required' : `At least ${s.minLength} characters`, { n: s.minLength });
    if (s.maxLength !== undefined && value.length > s.maxLength) push('form.errors.maxLength', `At most ${s.maxLength} characters`, { n: s.maxLength });
    if (s.pattern && value !== '' && !new RegExp(s.pattern).test(value)) push('form.errors.pattern', 'Invalid format');
  } else if (t === 'number' || t === 'integer') {
    if (typeof value !== 'number' || Number.isNaN(value)) return (push('form.errors.number', 'Expected a number'), errs);
    if (t === 'integer' && !Number.isInteger(value)) push('form.errors.integer', 'Expected a whole number');
    if (s.minimum !== undefined && value < s.minimum) push('form.errors.minimum', `At least ${s.minimum}`, { n: s.minimum });
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) push('form.errors.exclusiveMinimum', `More than ${s.exclusiveMinimum}`, { n: s.exclusiveMinimum });
    if (s.maximum !== undefined && value > s.maximum) push('form.errors.maximum', `At most ${s.maximum}`, { n: s.maximum });
  } else if (t === 'boolean') {
    if (typeof value !== 'boolean') push('form.errors.type', 'Expected yes or no');
  } else if (t === 'array') {
    if (!Array.isArray(value)) return (push('form.errors.type', 'Expected a list'), errs);
    if (s.minItems !== undefined && value.length < s.minItems) push('form.errors.minItems', `Add at least ${s.minItems}`, { n: s.minItems });
    if (s.maxItems !== undefined && value.length > s.maxItems) push('form.errors.maxItems', `At most ${s.maxItems} items`, { n: s.maxItems });
    if (s.items) value.forEach((v, i) => errs.push(...validateValue(s.items!, v, join(path, String(i)))));
  } else if (t === 'object') {
    if (typeof value !== 'object' || Array.isArray(value)) return (push('form.errors.type', 'Expected an object'), errs);
    const o = value as Record<string, unknown>;
    for (const k of s.required ?? []) {
      if (o[k] === undefined || o[k] === null || o[k] === '') errs.push({ path: join(path, k), key: 'form.errors.required', message: 'Required' });
    }
    for (const [k, v] of Object.entries(o)) {
      const ps = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (ps && !(v === '' && !(s.required ?? []).includes(k))) errs.push(...validateValue(ps, v, join(path, k)));
    }
  }
  return errs;
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

/** `camelCase` / `snake_case` → "Camel case". */
export function humanize(key: string): string {
  const s = key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Drops empty optional strings (the server rejects `""` where minLength ≥ 1). */
export function cleanConfig(s: JsonSchema, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === '' && !(s.required ?? []).includes(k)) continue;
    if (v === undefined) continue;
    out[k] = v;
  }
  return out;
}
