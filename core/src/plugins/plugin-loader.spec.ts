import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugins } from './plugin-loader.js';
import { PluginRegistry } from './plugin-registry.js';

const logger = { debug() {}, info() {}, warn() {}, error() {} };

function pluginDir(root: string, name: string, manifest: unknown, source: string) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@x/${name}`, version: '1.0.0', type: 'module', main: 'index.js', parley: manifest }));
  writeFileSync(join(dir, 'index.js'), source);
}

const channelSource = (type: string) => `export default { id: 'demo', setup(host) { host.registerChannel({ type: '${type}', displayName: 'Demo', configSchema: {}, secretFields: [], parseConfig: (x) => x, webhook: { routing: 'channel', verify: () => true, parse: () => [] }, connect: async () => ({ accountId: '1' }), send: async () => ({ externalId: '1' }) }); } };`;

describe('loadPlugins', () => {
  it('loads a plugin with a valid manifest and registers its channel', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(root, 'demo', { apiVersion: 1, capabilities: ['channel:demo'] }, channelSource('demo'));
    const registry = new PluginRegistry();
    await loadPlugins({ registry, setting: () => undefined, logger }, [], root);
    expect(registry.channelTypes()).toEqual(['demo']);
    expect(registry.plugins[0]).toMatchObject({ id: 'demo', packageName: '@x/demo', source: 'first-party' });
  });

  it('refuses invalid manifests and undeclared capabilities', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(bad, 'demo', { apiVersion: 99, capabilities: [] }, channelSource('demo'));
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], bad)).rejects.toThrow(/invalid "parley" manifest/);
    const sneaky = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(sneaky, 'demo', { apiVersion: 1, capabilities: ['channel:demo'] }, channelSource('other'));
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], sneaky)).rejects.toThrow(/lacks "channel:other"/);
  });

  it('bundles node code from the manifest\'s "nodes" entry when main imports Node built-ins', async () => {
    const node = `{ type: 'mixed.x', version: 1, label: 'X', category: 'data', description: '', configSchema: { type: 'object' }, outputs: ['out'], execute: () => ({ output: 'out' }) }`;
    const main = `import { createHmac } from 'node:crypto';\nexport default { id: 'mixed', setup(host) { void createHmac; host.registerNode(${node}); } };`;
    const without = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(without, 'mixed', { apiVersion: 1, capabilities: ['node:mixed.x'] }, main);
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], without)).rejects.toThrow(/Plugin mixed: its node code cannot be bundled.*node:crypto/);
    const root = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(root, 'mixed', { apiVersion: 1, capabilities: ['node:mixed.x'], nodes: 'nodes.js' }, main);
    writeFileSync(join(root, 'mixed', 'nodes.js'), `export default { id: 'mixed', setup(host) { host.registerNode(${node}); } };`);
    const registry = new PluginRegistry();
    await loadPlugins({ registry, setting: () => undefined, logger }, [], root);
    expect(registry.nodes.map((x) => x.definition.type)).toEqual(['mixed.x']);
    expect(registry.nodes[0].bundle.code).toContain('mixed.x');
    expect(registry.nodes[0].bundle.code).not.toContain('createHmac');
    const outside = mkdtempSync(join(tmpdir(), 'plugins-'));
    pluginDir(outside, 'mixed', { apiVersion: 1, capabilities: ['node:mixed.x'], nodes: '../elsewhere.js' }, main);
    await expect(loadPlugins({ registry: new PluginRegistry(), setting: () => undefined, logger }, [], outside)).rejects.toThrow(/"nodes" must be a file inside the package/);
  });

  it('loads third-party plugins by package name (PARLEY_PLUGINS)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'plugins-'));
    const registry = new PluginRegistry();
    await loadPlugins({ registry, setting: () => undefined, logger }, ['@parley/plugin-whatsapp'], empty);
    expect(registry.channelTypes()).toEqual(['whatsapp']);
    expect(registry.plugins[0]).toMatchObject({ id: 'whatsapp', source: 'third-party' });
  });
});
