/**
 * The node types the engine knows: core's built-ins (run in the host) plus plugin nodes
 * (`<pluginId>.<name>`), whose `execute` / `resume` run in the sandbox (`sandboxNode`).
 * Configs are validated against each type's JSON Schema (compiled once with zod).
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { sandboxNode } from '../sandbox/sandboxed-node.js';
import { SandboxService } from '../sandbox/sandbox.service.js';
import { HostHttp } from './host-http.js';
import { describeNode, type NodeContext, type NodeDefinition, type NodeDescriptor } from '@parley/sdk';
import { z } from 'zod';
import { BUILTIN_NODES } from './nodes/index.js';

@Injectable()
export class NodeRegistry {
  private readonly defs = new Map<string, NodeDefinition>();
  private readonly validators = new Map<string, z.ZodType>();
  private readonly capabilities = new Map<string, Partial<Pick<NodeContext<unknown>, 'http' | 'setting'>>>();
  private readonly owners = new Map<string, string>();

  constructor(@Optional() plugins?: PluginRegistry, @Optional() @Inject(APP_CONFIG) config?: AppConfig, @Optional() sandbox?: SandboxService) {
    for (const d of BUILTIN_NODES) this.add(d);
    for (const p of plugins?.nodes ?? []) {
      const logger = new Logger(`plugin:${p.pluginId}`);
      const capabilities = NodeRegistry.pluginCapabilities(p.permissions, config, (n) => config?.settings[n]);
      const def = sandboxNode(p.definition, {
        capabilities,
        bundle: p.bundle,
        settings: p.permissions.filter((x) => x.startsWith('setting:')).map((x) => x.slice(8)),
        pool: () => sandbox?.pool,
        log: (l) => {
          const line = `${l.type}: ${l.message}${l.fields ? ` ${JSON.stringify(l.fields)}` : ''}`;
          if (l.level === 'error') logger.error(line);
          else if (l.level === 'warn') logger.warn(line);
          else if (l.level === 'debug') logger.debug(line);
          else logger.log(line);
        },
      });
      this.add(def, p.pluginId, capabilities);
    }
  }

  /**
   * What a plugin node may reach: HTTP only to the hosts of its `http:<host>` permissions
   * (private addresses as the platform allows), settings only those of `setting:<NAME>`.
   */
  static pluginCapabilities(permissions: string[], config: Pick<AppConfig, 'flowHttp'> | undefined, setting: (name: string) => string | undefined) {
    const hosts = permissions.filter((p) => p.startsWith('http:')).map((p) => p.slice(5).toLowerCase());
    const settings = new Set(permissions.filter((p) => p.startsWith('setting:')).map((p) => p.slice(8)));
    const http = new HostHttp({ allowHosts: hosts, allowPrivate: config?.flowHttp.allowPrivate ?? false, timeoutMs: config?.flowHttp.timeoutMs ?? 10_000 });
    return { http: (req: Parameters<HostHttp['request']>[0]) => http.request(req), setting: (name: string) => (settings.has(name) ? setting(name) : undefined) };
  }

  /**
   * Adds a node type. Plugin nodes must be namespaced with the plugin's id.
   * @throws Error on a duplicate type, a wrong namespace or an unusable config schema.
   */
  add(def: NodeDefinition, pluginId?: string, capabilities?: Partial<Pick<NodeContext<unknown>, 'http' | 'setting'>>): void {
    if (this.defs.has(def.type)) throw new Error(`Node type "${def.type}" is already registered`);
    if (pluginId && !def.type.startsWith(`${pluginId}.`)) throw new Error(`Node type "${def.type}" of plugin ${pluginId} must be named "${pluginId}.<name>"`);
    this.validators.set(def.type, z.fromJSONSchema(def.configSchema as Parameters<typeof z.fromJSONSchema>[0]));
    this.defs.set(def.type, def);
    if (pluginId) this.owners.set(def.type, pluginId);
    if (capabilities) this.capabilities.set(def.type, capabilities);
  }

  /** Host capabilities that replace the defaults in a plugin node's context (scoped HTTP, granted settings). */
  capabilitiesOf(type: string): Partial<Pick<NodeContext<unknown>, 'http' | 'setting'>> {
    return this.capabilities.get(type) ?? {};
  }

  /** The plugin that registered `type` (undefined for built-ins). */
  ownerOf(type: string): string | undefined {
    return this.owners.get(type);
  }

  get(type: string): NodeDefinition | undefined {
    return this.defs.get(type);
  }

  /** Descriptors for `GET /flow-node-types`, built-ins first. */
  descriptors(): NodeDescriptor[] {
    return [...this.defs.values()].map(describeNode);
  }

  /** Problems of `config` for `type` as `path: message` strings (empty when valid). */
  configErrors(type: string, config: unknown): string[] {
    const v = this.validators.get(type);
    if (!v) return [`unknown node type ${type}`];
    const r = v.safeParse(config);
    return r.success ? [] : r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  }
}
