/**
 * Bundles a plugin's node code into one script for the sandbox (docs/plugins.md "Flow nodes").
 * The entry (the manifest's `nodes`, else `main`) and everything it imports from its package and
 * dependencies are bundled by esbuild for a neutral platform: Node built-ins cannot be resolved,
 * so a plugin that imports `node:fs` fails at load with a clear error. `@parley/sdk` is replaced
 * by its runtime pieces that need no Node (`defineNode`, `definePlugin`, errors, types).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** A plugin's node code as one classic script that sets `globalThis.__parleyPlugin`. */
export interface PluginBundle {
  pluginId: string;
  /** sha256 of `code` (hex, 16 chars): workers cache compiled bundles by it. */
  id: string;
  code: string;
}

/** Largest bundle accepted, characters. */
export const MAX_BUNDLE_CHARS = 4 * 1024 * 1024;

const SDK_MODULES = ['errors', 'messages', 'channel', 'plugin', 'node'];

function sdkDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@parley/sdk'));
}

/** The folder of the nearest package.json above `file`. */
function packageRoot(file: string): string {
  let d = dirname(file);
  while (!existsSync(join(d, 'package.json'))) {
    const parent = dirname(d);
    if (parent === d) return dirname(file);
    d = parent;
  }
  return d;
}

const sdkRuntime = (dir: string, root: string): Plugin => ({
  name: 'parley-sdk-runtime',
  setup(b) {
    b.onResolve({ filter: /^@parley\/sdk$/ }, () => ({ path: 'sdk', namespace: 'parley-sdk' }));
    b.onLoad({ filter: /.*/, namespace: 'parley-sdk' }, () => ({
      contents: SDK_MODULES.map((m) => `export * from ${JSON.stringify(join(dir, `${m}.js`))};`).join('\n'),
      resolveDir: dir,
      loader: 'js',
    }));
    // only code and JSON of the package and its dependencies: no other files of the host end up in the bundle
    b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
      if (!/\.(m|c)?[jt]s$|\.json$/.test(args.path)) return { errors: [{ text: `only JavaScript, TypeScript and JSON files may be bundled: ${args.path}` }] };
      const inside = args.path.startsWith(root + sep) || args.path.includes(`${sep}node_modules${sep}`) || args.path.startsWith(dir + sep);
      return inside ? undefined : { errors: [{ text: `only files of the plugin's package and its dependencies may be bundled: ${args.path}` }] };
    });
  },
});

/** Bundles by entry, with the modification times of every file that went into them. */
const cache = new Map<string, { inputs: [string, number][]; bundle: PluginBundle }>();

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * Bundles `entry` (an absolute file path) for plugin `pluginId`. Results are cached per entry
 * while none of the bundled files changed.
 * @throws Error naming the plugin and esbuild's messages (unresolvable imports such as Node
 * built-ins, syntax errors) or a bundle larger than {@link MAX_BUNDLE_CHARS}.
 */
export async function bundlePluginNodes(pluginId: string, entry: string): Promise<PluginBundle> {
  const hit = cache.get(entry);
  if (hit && hit.bundle.pluginId === pluginId && hit.inputs.every(([f, t]) => mtime(f) === t)) return hit.bundle;
  let code: string;
  let inputs: [string, number][];
  try {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: '__parleyPlugin',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      loader: { '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'ts', '.json': 'json' },
      plugins: [sdkRuntime(sdkDistDir(), packageRoot(entry))],
      logLevel: 'silent',
      legalComments: 'none',
      metafile: true,
      absWorkingDir: dirname(entry),
    });
    code = out.outputFiles[0].text;
    inputs = Object.keys(out.metafile.inputs)
      .filter((f) => !f.includes(':'))
      .map((f) => resolve(dirname(entry), f))
      .map((f) => [f, mtime(f)]);
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const detail = errors?.length ? errors.slice(0, 5).map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text)).join('; ') : String((e as Error).message ?? e);
    throw new Error(`Plugin ${pluginId}: its node code cannot be bundled for the sandbox (no Node built-ins; only @parley/sdk and plain packages): ${detail}`);
  }
  if (code.length > MAX_BUNDLE_CHARS) throw new Error(`Plugin ${pluginId}: the node bundle is ${code.length} characters (limit ${MAX_BUNDLE_CHARS})`);
  const bundle = { pluginId, id: createHash('sha256').update(code).digest('hex').slice(0, 16), code };
  cache.set(entry, { inputs, bundle });
  return bundle;
}
