import { Injectable } from '@nestjs/common';
import { isChannelError, type InboundAccountEvent, type MessageTemplate } from '@parley/sdk';
import { notFound } from '../http/app-error.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { ChannelRuntime } from './channel-runtime.js';
import { ChannelErrors } from './channels.errors.js';
import { ChannelsRepository } from './channels.repository.js';

/** How long a channel's template list is reused before the provider is asked again (5 minutes). */
export const TEMPLATES_CACHE_TTL_MS = 5 * 60_000;

interface Entry {
  at: number;
  type: string;
  /** `templates.scope` of the channel (WhatsApp: WABA id), for webhook invalidation. */
  scope: string | null;
  /** The channel's encrypted secrets when read: new credentials (reconnect) miss the cache. */
  version: string | null;
  templates: Promise<MessageTemplate[]>;
}

/**
 * Message templates of channels for the inbox composer (`GET /api/v1/channels/:id/templates`),
 * read through the plugin's optional `templates` capability and cached per channel for
 * {@link TEMPLATES_CACHE_TTL_MS} in this process. Concurrent reads share one provider call;
 * failures are not cached. A template status webhook (`templates.changedScope`) or a reconnect
 * drops the entries of its scope / channel at once; other instances keep theirs up to the TTL.
 */
@Injectable()
export class ChannelTemplatesService {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly repo: ChannelsRepository,
    private readonly runtime: ChannelRuntime,
  ) {}

  /**
   * The approved templates of one of the caller's channels; `[]` for types without templates.
   * Any signed-in user of the tenant may read them.
   * @throws AppError NOT_FOUND (also another tenant's channel), CHANNEL_CREDENTIALS_INVALID (the
   *   provider refused the channel's token), CHANNEL_PROVIDER_UNAVAILABLE (other provider failures).
   */
  async list(auth: AuthUser, channelId: string): Promise<MessageTemplate[]> {
    assertCan(auth.role, 'read', 'Channel');
    const channel = await this.repo.get(auth.tenantId, channelId);
    if (!channel) throw notFound('Channel', channelId);
    const def = this.runtime.definitionOrNull(channel.type);
    if (!def?.templates) return [];
    const hit = this.cache.get(channel.id);
    const fresh = hit && hit.version === channel.secretsEnc && Date.now() - hit.at < TEMPLATES_CACHE_TTL_MS;
    const entry: Entry = fresh
      ? hit
      : {
          at: Date.now(),
          type: channel.type,
          scope: def.templates.scope?.(channel.config ?? {}) ?? null,
          version: channel.secretsEnc,
          templates: def.templates.list(this.runtime.context(channel)),
        };
    if (!fresh) this.cache.set(channel.id, entry);
    try {
      return await entry.templates;
    } catch (err) {
      if (this.cache.get(channel.id) === entry) this.cache.delete(channel.id);
      if (isChannelError(err) && err.code === 'INVALID_CREDENTIALS') throw ChannelErrors.invalidCredentials(err.message, err.providerCode);
      throw ChannelErrors.providerUnavailable(err instanceof Error ? err.message : String(err));
    }
  }

  /** Drops the cached templates of one channel (after a reconnect or removal). */
  forget(channelId: string): void {
    this.cache.delete(channelId);
  }

  /**
   * Drops the cached templates an account event changed, when the type's plugin says so
   * (`templates.changedScope`). Returns the scope, or null when the event changed no templates.
   */
  invalidateFor(type: string, event: InboundAccountEvent): string | null {
    const scope = this.runtime.definitionOrNull(type)?.templates?.changedScope?.(event) ?? null;
    if (scope === null) return null;
    for (const [id, e] of this.cache) if (e.type === type && e.scope === scope) this.cache.delete(id);
    return scope;
  }
}
