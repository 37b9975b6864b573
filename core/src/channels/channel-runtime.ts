import { Inject, Injectable } from '@nestjs/common';
import type { ChannelContext, ChannelDefinition, PluginRuntime, PushEvent } from '@parley/sdk';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import type { ChannelEntity } from './channel.entity.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelErrors } from './channels.errors.js';
import { SecretBox } from './secret-box.js';

const CACHE_TTL_MS = 5_000;

/** Delivers `ChannelContext.push` events to recipients connected to Parley (set by the web-chat host). */
export type PushSink = (channel: { id: string; tenantId: string; type: string }, recipientExternalId: string, event: PushEvent) => Promise<void>;

/**
 * Builds plugin contexts for channels (decrypting secrets) and caches channel lookups used on
 * the hot webhook path for {@link CACHE_TTL_MS}. Unknown accounts are never cached, so a number
 * connected through another instance is routed at once.
 */
@Injectable()
export class ChannelRuntime {
  readonly box: SecretBox;
  readonly runtime: PluginRuntime;
  private readonly byAccount = new Map<string, { at: number; channel: ChannelEntity | null }>();
  private pushSink: PushSink | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly registry: PluginRegistry,
    private readonly repo: ChannelsRepository,
  ) {
    this.box = new SecretBox(config.encryptionKey);
    this.runtime = { setting: (n) => config.settings[n], fetch: (...a) => fetch(...a), logger: logger.child({ component: 'channel' }) };
  }

  /** The definition of a channel type. @throws AppError CHANNEL_TYPE_UNKNOWN. */
  definition(type: string): ChannelDefinition<any> {
    const def = this.registry.channel(type);
    if (!def) throw ChannelErrors.unknownType(type, this.registry.channelTypes());
    return def;
  }

  /** Sets where `ChannelContext.push` events go (one sink per process; the web-chat host sets it). */
  setPushSink(sink: PushSink): void {
    this.pushSink = sink;
  }

  /** The definition of a channel type, or null when no loaded plugin provides it. */
  definitionOrNull(type: string): ChannelDefinition<any> | null {
    return this.registry.channel(type) ?? null;
  }

  /** Context for plugin calls on `channel`, with its config and decrypted secrets. */
  context(channel: ChannelEntity): ChannelContext<any> {
    const secrets = channel.secretsEnc ? this.box.open<Record<string, unknown>>(channel.secretsEnc) : {};
    const ctx: ChannelContext<any> = { ...this.runtime, channelId: channel.id, tenantId: channel.tenantId, config: { ...(channel.config ?? {}), ...secrets } };
    const sink = this.pushSink;
    if (sink) ctx.push = (to, event) => sink({ id: channel.id, tenantId: channel.tenantId, type: channel.type }, to, event);
    return ctx;
  }

  /** Cached routing lookup by provider account id (null = unknown account). */
  async findByAccount(type: string, accountId: string): Promise<ChannelEntity | null> {
    const key = `${type}\u0000${accountId}`;
    const hit = this.byAccount.get(key);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.channel;
    const channel = await this.repo.findByAccount(type, accountId);
    if (channel) this.byAccount.set(key, { at: Date.now(), channel });
    else this.byAccount.delete(key);
    return channel;
  }

  /** Forgets cached lookups (after a channel is created or removed). */
  invalidate(): void {
    this.byAccount.clear();
  }
}
