import { z } from 'zod';
import { PARLEY_API_VERSION, type PluginManifest } from '@parley/sdk';

const manifestSchema = z.object({
  apiVersion: z.literal(PARLEY_API_VERSION),
  capabilities: z.array(z.string().regex(/^(channel|node|provider):[a-z0-9_.-]+$/)).min(1),
  permissions: z.array(z.string()).default([]),
  /** Entry of the code that runs in the sandbox for the plugin's flow nodes (default: `main`). */
  nodes: z.string().min(1).max(300).optional(),
});

/** A validated manifest (`nodes`: see docs/plugins.md "Flow nodes"). */
export type ParsedManifest = PluginManifest & { nodes?: string };

/**
 * Validates the `"parley"` field of a plugin's package.json.
 * @throws Error naming the package and each problem.
 */
export function parseManifest(pkgName: string, raw: unknown): ParsedManifest {
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(`Plugin ${pkgName}: invalid "parley" manifest: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return r.data as ParsedManifest;
}
