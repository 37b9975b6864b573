import { defineNode } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { NodeRegistry } from './node-registry.js';

const acmeNode = defineNode({
  type: 'acme.ping',
  version: 1,
  label: 'Ping',
  category: 'integration',
  description: 'test',
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  outputs: ['out', 'error'],
  execute: () => {
    hostCalls++;
    return { output: 'out' };
  },
});
let hostCalls = 0;
const bundle = (pluginId: string) => ({ pluginId, id: 'test', code: '' });

describe('NodeRegistry with plugin nodes', () => {
  it('adds plugin nodes with capabilities scoped to the manifest permissions', async () => {
    const plugins = new PluginRegistry();
    plugins.addNode('acme', acmeNode, ['http:api.acme.test', 'setting:ACME_KEY'], bundle('acme'));
    const config = { flowHttp: { allowHosts: ['*'], allowPrivate: true, timeoutMs: 500 }, settings: { ACME_KEY: 'k', META_APP_SECRET: 's' } } as never;
    const reg = new NodeRegistry(plugins, config);
    expect(reg.descriptors().map((d) => d.type)).toContain('acme.ping');
    expect(reg.ownerOf('acme.ping')).toBe('acme');
    const caps = reg.capabilitiesOf('acme.ping');
    expect(caps.setting!('ACME_KEY')).toBe('k');
    expect(caps.setting!('META_APP_SECRET')).toBeUndefined();
    // even with private addresses allowed platform-wide, the plugin reaches only its declared hosts
    await expect(caps.http!({ method: 'GET', url: 'http://127.0.0.1:1/' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    expect(reg.capabilitiesOf('send.text')).toEqual({});
  });

  it('never runs a plugin node\'s execute in the host (without a sandbox it fails typed)', async () => {
    const plugins = new PluginRegistry();
    plugins.addNode('acme', acmeNode, [], bundle('acme'));
    const reg = new NodeRegistry(plugins);
    const def = reg.get('acme.ping')!;
    expect(def.label).toBe('Ping');
    expect(await def.execute({ config: {}, vars: {}, state: {} } as never)).toMatchObject({ output: 'error', vars: { lastError: { code: 'SANDBOX_UNAVAILABLE' } } });
    expect(hostCalls).toBe(0);
  });

  it('refuses a node bundle of another plugin', () => {
    expect(() => new PluginRegistry().addNode('acme', acmeNode, [], bundle('other'))).toThrow(/bundle belongs to plugin other/);
  });

  it('refuses a plugin node outside its namespace', () => {
    const plugins = new PluginRegistry();
    plugins.addNode('other', acmeNode, [], bundle('other'));
    expect(() => new NodeRegistry(plugins)).toThrow(/must be named "other.<name>"/);
  });
});
