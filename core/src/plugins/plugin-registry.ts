import { Injectable } from '@nestjs/common';
import type { ChannelDefinition, NodeDefinition } from '@parley/sdk';
import type { PluginBundle } from '../sandbox/plugin-bundle.js';

/** A loaded plugin. */
export interface LoadedPlugin {
  id: string;
  packageName: string;
  version: string;
  capabilities: string[];
  permissions: string[];
  source: 'first-party' | 'third-party';
}

/** What plugins registered: channel types and flow node types (later: providers). */
@Injectable()
export class PluginRegistry {
  readonly plugins: LoadedPlugin[] = [];
  private readonly channels = new Map<string, { pluginId: string; definition: ChannelDefinition<any> }>();
  /**
   * Flow node types registered by plugins (fed into the flows NodeRegistry): the host keeps the
   * definition's metadata; `execute` / `resume` run from `bundle` in the sandbox.
   */
  readonly nodes: { pluginId: string; definition: NodeDefinition; permissions: string[]; bundle: PluginBundle }[] = [];

  addNode(pluginId: string, definition: NodeDefinition, permissions: string[], bundle: PluginBundle): void {
    if (this.nodes.some((n) => n.definition.type === definition.type)) throw new Error(`Node type "${definition.type}" of plugin ${pluginId} is already registered`);
    if (bundle.pluginId !== pluginId) throw new Error(`Node type "${definition.type}": the bundle belongs to plugin ${bundle.pluginId}, not ${pluginId}`);
    this.nodes.push({ pluginId, definition, permissions, bundle });
  }

  addChannel(pluginId: string, definition: ChannelDefinition<any>): void {
    if (this.channels.has(definition.type)) {
      throw new Error(`Channel type "${definition.type}" of plugin ${pluginId} is already registered by ${this.channels.get(definition.type)!.pluginId}`);
    }
    this.channels.set(definition.type, { pluginId, definition });
  }

  /** The channel definition of `type`, or undefined when no plugin provides it. */
  channel(type: string): ChannelDefinition<any> | undefined {
    return this.channels.get(type)?.definition;
  }

  channelTypes(): string[] {
    return [...this.channels.keys()];
  }
}
