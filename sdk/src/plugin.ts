/**
 * Plugin definition and the host services a plugin receives in `setup`.
 */
import type { ChannelDefinition, PluginLogger } from './channel.js';
import type { NodeDefinition } from './node.js';

/** The SDK's contract version; a plugin's manifest `apiVersion` must equal it. */
export const PARLEY_API_VERSION = 1;

/** Capabilities a plugin may declare in its manifest, e.g. `channel:whatsapp`. */
export type PluginCapability = `channel:${string}` | `node:${string}` | `provider:${string}`;

/**
 * The `"parley"` field of a plugin's package.json, validated by the host at load:
 * `{"apiVersion": 1, "capabilities": ["channel:whatsapp"], "permissions": ["http:graph.facebook.com"]}`.
 */
export interface PluginManifest {
  apiVersion: number;
  capabilities: PluginCapability[];
  /** Declared needs, e.g. `http:<host>` or `setting:<NAME>`; shown to admins. */
  permissions?: string[];
}

/** Services the host offers a plugin during `setup`. */
export interface PluginHost {
  /** The plugin's id. */
  readonly pluginId: string;
  /** Registers a channel type; its `type` must be declared as `channel:<type>` in the manifest. */
  registerChannel<Config extends object>(channel: ChannelDefinition<Config>): void;
  /**
   * Registers a flow node type `<pluginId>.<name>` (made with `defineNode`); the manifest must
   * declare `node:<pluginId>.<name>`. The node reaches the outside only through its context:
   * `ctx.http` is limited to the hosts of the manifest's `http:<host>` permissions (and the
   * platform's private-address rules), `ctx.setting` to its `setting:<NAME>` permissions.
   * Optional so that hosts predating flow nodes (and test hosts) still type-check.
   */
  registerNode?(node: NodeDefinition): void;
  /** A platform setting by name (e.g. `META_GRAPH_URL`), or undefined. */
  setting(name: string): string | undefined;
  logger: PluginLogger;
}

/** A plugin as exported (default export) by its package. */
export interface ParleyPlugin {
  /** Stable id, lower-case, e.g. `whatsapp`; also the prefix of its node types. */
  id: string;
  /** Called once at start-up; registers what the plugin provides. */
  setup(host: PluginHost): void | Promise<void>;
}

/** Declares a plugin: `export default definePlugin({ id: 'whatsapp', setup(host) {...} })`. */
export function definePlugin(plugin: ParleyPlugin): ParleyPlugin {
  if (!/^[a-z][a-z0-9-]*$/.test(plugin.id)) {
    throw new Error(`Invalid plugin id "${plugin.id}": use lower-case letters, digits or -`);
  }
  return plugin;
}
