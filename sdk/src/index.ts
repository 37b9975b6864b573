/**
 * @parley/sdk — the plugin contract of Parley. Plugins import only this package.
 * See docs/plugins.md for the authoring guide.
 */
export * from './errors.js';
export * from './messages.js';
export * from './channel.js';
export * from './plugin.js';
export * from './meta.js';
export * from './graph.js';
export * from './testing.js';
export * from './node.js';
