/**
 * Loads plugins at start-up: first-party packages found under `plugins/*` of the workspace,
 * then third-party packages named in `PARLEY_PLUGINS`. Each package.json must carry a valid
 * `"parley"` manifest and default-export a `definePlugin(...)` value. A plugin declaring
 * `node:` capabilities also has its node code (the manifest's `nodes` entry, else `main`)
 * bundled for the sandbox, where its nodes' `execute` / `resume` run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChannelDefinition, NodeDefinition, ParleyPlugin, PluginHost, PluginLogger } from '@parley/sdk';
import { bundlePluginNodes, type PluginBundle } from '../sandbox/plugin-bundle.js';
import { parseManifest } from './manifest.js';
import type { PluginRegistry } from './plugin-registry.js';

/** The workspace folder holding first-party plugins (`<repo>/plugins`), or null. */
export function findPluginsDir(start = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'plugins');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate) && existsSync(join(dir, 'core'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function packageRootOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${file}`);
    dir = parent;
  }
  return dir;
}

interface LoaderDeps {
  registry: PluginRegistry;
  setting(name: string): string | undefined;
  logger: PluginLogger & { child?(b: object): PluginLogger };
}

async function loadOne(dir: string, source: 'first-party' | 'third-party', deps: LoaderDeps): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; main?: string; parley?: unknown };
  const manifest = parseManifest(pkg.name, pkg.parley);
  const entry = resolve(dir, pkg.main ?? 'dist/index.js');
  if (!existsSync(entry)) throw new Error(`Plugin ${pkg.name}: entry ${entry} not found (was it built?)`);
  const mod = (await import(pathToFileURL(entry).href)) as { default?: ParleyPlugin };
  const plugin = mod.default;
  if (!plugin || typeof plugin.id !== 'string' || typeof plugin.setup !== 'function') {
    throw new Error(`Plugin ${pkg.name}: default export is not a definePlugin(...) value`);
  }
  let bundle: PluginBundle | null = null;
  if (manifest.capabilities.some((c) => c.startsWith('node:'))) {
    const nodesEntry = manifest.nodes ? resolve(dir, manifest.nodes) : entry;
    const rel = relative(dir, nodesEntry);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`Plugin ${pkg.name}: "nodes" must be a file inside the package`);
    if (!existsSync(nodesEntry)) throw new Error(`Plugin ${pkg.name}: node entry ${nodesEntry} not found (was it built?)`);
    bundle = await bundlePluginNodes(plugin.id, nodesEntry);
  }
  const host: PluginHost = {
    pluginId: plugin.id,
    logger: deps.logger.child ? deps.logger.child({ plugin: plugin.id }) : deps.logger,
    setting: deps.setting,
    registerChannel<C extends object>(channel: ChannelDefinition<C>) {
      if (!manifest.capabilities.includes(`channel:${channel.type}`)) {
        throw new Error(`Plugin ${pkg.name} registers channel "${channel.type}" but its manifest lacks "channel:${channel.type}"`);
      }
      deps.registry.addChannel(plugin.id, channel as ChannelDefinition<any>);
    },
    registerNode(node: NodeDefinition) {
      if (!node.type.startsWith(`${plugin.id}.`)) throw new Error(`Plugin ${pkg.name} registers node "${node.type}"; plugin nodes are named "${plugin.id}.<name>"`);
      if (!manifest.capabilities.includes(`node:${node.type}`)) {
        throw new Error(`Plugin ${pkg.name} registers node "${node.type}" but its manifest lacks "node:${node.type}"`);
      }
      if (node.trigger || node.matches) throw new Error(`Plugin ${pkg.name} registers node "${node.type}" as a trigger; plugin nodes cannot be triggers`);
      deps.registry.addNode(plugin.id, node, manifest.permissions ?? [], bundle!);
    },
  };
  await plugin.setup(host);
  deps.registry.plugins.push({
    id: plugin.id, packageName: pkg.name, version: pkg.version, capabilities: manifest.capabilities, permissions: manifest.permissions ?? [], source,
  });
  deps.logger.info({ plugin: plugin.id, package: pkg.name, version: pkg.version }, 'plugin loaded');
}

/**
 * Loads all plugins into `deps.registry`.
 * @throws Error for an invalid manifest or export (start-up fails loudly rather than half-loaded).
 */
export async function loadPlugins(deps: LoaderDeps, extraPackages: string[], pluginsDir = findPluginsDir()): Promise<void> {
  if (pluginsDir && existsSync(pluginsDir)) {
    for (const name of readdirSync(pluginsDir).sort()) {
      const dir = join(pluginsDir, name);
      if (existsSync(join(dir, 'package.json'))) await loadOne(dir, 'first-party', deps);
    }
  }
  for (const name of extraPackages) {
    const resolved = fileURLToPath(import.meta.resolve(name));
    await loadOne(packageRootOf(resolved), 'third-party', deps);
  }
}
