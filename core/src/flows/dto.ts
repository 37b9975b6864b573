import { z } from 'zod';
import { graphSchema } from './flow.types.js';

const name = z.string().trim().min(1).max(200);
export const createFlowSchema = z.object({ name, draft: graphSchema.default({ nodes: [], edges: [] }) }).strict();
export const draftBodySchema = z.object({ draft: graphSchema }).strict();
/** `PUT /flows/:id/draft`: `revision` (optional) is the `draftRevision` the edit is based on. */
export const saveDraftSchema = z.object({ draft: graphSchema, revision: z.number().int().min(0).optional() }).strict();
export const patchFlowSchema = z.object({ name: name.optional(), enabled: z.boolean().optional() }).strict();
export const publishSchema = z.object({ note: z.string().trim().max(500).optional() }).strict();
export const rollbackSchema = z.object({ version: z.number().int().min(1) }).strict();
export const importSchema = z.object({ format: z.literal('parley.flow'), formatVersion: z.literal(1), name, draft: graphSchema }).strict();
export const simulateSchema = z.union([
  z.object({ runId: z.string().min(1), text: z.string().min(1).max(4096) }).strict(),
  z.object({ text: z.string().min(1).max(4096), contact: z.object({ name: z.string().max(200).optional(), phone: z.string().max(40).optional(), email: z.string().max(191).optional() }).optional() }).strict(),
]);
export type SimulateInput = z.infer<typeof simulateSchema>;
