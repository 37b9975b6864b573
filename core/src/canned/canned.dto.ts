import { z } from 'zod';

const shortcut = z
  .string()
  .trim()
  .transform((s) => s.replace(/^\//, ''))
  .pipe(z.string().min(1).max(50).regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, - and _ only'));

export const createCannedSchema = z
  .object({ shortcut, title: z.string().trim().max(200).nullable().optional(), text: z.string().trim().min(1).max(4096) })
  .strict();
export const updateCannedSchema = createCannedSchema.partial().strict();
export const renderCannedSchema = z.object({ chatId: z.string().min(1).optional() }).strict();

export type CreateCannedInput = z.infer<typeof createCannedSchema>;
export type UpdateCannedInput = z.infer<typeof updateCannedSchema>;
