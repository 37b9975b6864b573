import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundlePluginNodes } from './plugin-bundle.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bundle-'));

describe('bundlePluginNodes', () => {
  it('bundles the entry with its imports and the SDK runtime into one script', async () => {
    const d = dir();
    writeFileSync(join(d, 'dep.js'), `export const greeting = 'hi';`);
    writeFileSync(join(d, 'index.js'), `import { defineNode, definePlugin } from '@parley/sdk';\nimport { greeting } from './dep.js';\nexport default definePlugin({ id: 'b', setup(h) { h.registerNode(defineNode({ type: 'b.x', version: 1, label: greeting, category: 'data', description: '', configSchema: {}, outputs: ['out'], execute: () => ({}) })); } });`);
    const b = await bundlePluginNodes('b', join(d, 'index.js'));
    expect(b).toMatchObject({ pluginId: 'b', id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(b.code).toMatch(/^var __parleyPlugin = /);
    expect(b.code).not.toMatch(/\brequire\(|\bimport\b/);
    // evaluated as a classic script, it yields the plugin
    const plugin = new Function(`${b.code}; return __parleyPlugin.default;`)() as { id: string; setup(h: unknown): void };
    const types: string[] = [];
    plugin.setup({ registerNode: (n: { type: string; label: string }) => types.push(`${n.type}:${n.label}`) });
    expect(types).toEqual(['b.x:hi']);
  });

  it('is cached until one of the bundled files changes', async () => {
    const d = dir();
    writeFileSync(join(d, 'dep.js'), `export const v = 1;`);
    writeFileSync(join(d, 'index.js'), `import { v } from './dep.js'; export default { id: 'c', setup() { return v; } };`);
    const first = await bundlePluginNodes('c', join(d, 'index.js'));
    expect(await bundlePluginNodes('c', join(d, 'index.js'))).toBe(first);
    writeFileSync(join(d, 'dep.js'), `export const v = 2;`);
    utimesSync(join(d, 'dep.js'), new Date(), new Date(Date.now() + 5000));
    const second = await bundlePluginNodes('c', join(d, 'index.js'));
    expect(second.id).not.toBe(first.id);
    expect(second.code).toContain('v = 2');
  });

  it('refuses Node built-ins, non-code files and unresolvable imports with the plugin named', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.js'), `import { spawn } from 'child_process'; export default spawn;`);
    await expect(bundlePluginNodes('a', join(d, 'a.js'))).rejects.toThrow(/Plugin a: its node code cannot be bundled.*child_process/);
    writeFileSync(join(d, 'secret.txt'), 'password');
    writeFileSync(join(d, 'b.js'), `import s from './secret.txt'; export default s;`);
    await expect(bundlePluginNodes('b', join(d, 'b.js'))).rejects.toThrow(/Plugin b: .*secret\.txt/);
    const pkg = dir();
    writeFileSync(join(pkg, 'package.json'), '{"name":"p"}');
    writeFileSync(join(d, 'outside.json'), '{"secret":"host"}');
    writeFileSync(join(pkg, 'index.js'), `import s from ${JSON.stringify(join(d, 'outside.json'))}; export default s;`);
    await expect(bundlePluginNodes('p', join(pkg, 'index.js'))).rejects.toThrow(/only files of the plugin's package/);
    writeFileSync(join(d, 'c.js'), `import x from 'left-pad-that-does-not-exist'; export default x;`);
    await expect(bundlePluginNodes('c', join(d, 'c.js'))).rejects.toThrow(/left-pad-that-does-not-exist/);
  });
});
