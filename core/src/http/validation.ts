/**
 * Request validation with zod. `parseBody(schema, body)` returns the typed value or throws
 * 400 `VALIDATION_FAILED` with the issues in `details.issues`. `zodSchema(schema)` gives the
 * JSON Schema for OpenAPI decorators.
 */
import { z } from 'zod';
import { AppError } from './app-error.js';

/** Validates `input` against `schema`. @throws AppError VALIDATION_FAILED (400). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new AppError('VALIDATION_FAILED', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
}

/** JSON Schema (draft 2020-12 subset) of a zod schema, for `@ApiBody({schema})`. */
export function zodSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
