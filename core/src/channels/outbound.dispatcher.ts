/**
 * The outbound dispatcher (DESIGN.md §5): sends queued messages in order per chat, with the
 * typing simulation (indicator, then 13 ms × characters + uniform 0–1000 ms), per-account and
 * per-recipient rate limits, retries with backoff for retryable provider errors, and `failed`
 * with a mapped reason otherwise. State lives in the messages table, so queued rows resume
 * after a restart; leases make it safe with several instances.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isChannelError, type OutboundMessage } from '@parley/sdk';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { metrics } from '../ops/metrics.js';
import type { MessageEntity } from '../conversations/conversations.entity.js';
import { ChannelRuntime } from './channel-runtime.js';
import { ChannelsRepository } from './channels.repository.js';
import { OutboundRepository } from './outbound.repository.js';
import { RateLimiter } from './rate-limiter.js';

const POLL_MS = 1_000;
const LEASE_MS = 2 * 60_000;
const MAX_ATTEMPTS = 8;
/** How long a paused channel's messages are skipped before its status is read again. */
const HOLD_RECHECK_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds the provider-neutral message from a stored row (set by the conversations domain). */
export type OutboundBuilder = (m: MessageEntity, to: OutboundMessage['to']) => OutboundMessage;

@Injectable()
export class OutboundDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly busyChats = new Set<string>();
  /** Paused channels: id → when to read their status again. */
  private readonly held = new Map<string, number>();
  private readonly active = new Set<Promise<void>>();
  private readonly limiter = new RateLimiter();
  private readonly log: Logger;
  private scanning = false;
  private rescan = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private listeners: ((messageIds: string[]) => void)[] = [];
  private build: OutboundBuilder | null = null;

  constructor(
    private readonly repo: OutboundRepository,
    private readonly channels: ChannelsRepository,
    private readonly runtime: ChannelRuntime,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'dispatcher' });
  }

  /** Registers the row → OutboundMessage builder (conversations domain). */
  setBuilder(build: OutboundBuilder): void {
    this.build = build;
  }

  /** Called with message ids whose status changed (sent, failed, rescheduled). */
  onUpdated(listener: (messageIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  /** A channel was resumed: send its held messages now. */
  resume(channelId: string): void {
    this.held.delete(channelId);
    this.kick();
  }

  /** Looks for sendable messages now (after a new message was queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    void this.scan().catch((err) => this.log.error({ err }, 'dispatcher scan failed'));
  }

  private async scan(): Promise<void> {
    this.scanning = true;
    try {
      do {
        this.rescan = false;
        const rows = await this.repo.queued(500);
        const first = new Map<string, MessageEntity>();
        for (const r of rows) if (!first.has(r.chatId)) first.set(r.chatId, r);
        const now = Date.now();
        for (const [chatId, msg] of first) {
          if (this.busyChats.has(chatId) || (msg.nextAttemptAt ?? 0) > now || (msg.leaseUntil ?? 0) > now || (this.held.get(msg.channelId) ?? 0) > now) continue;
          this.busyChats.add(chatId);
          const p = this.deliver(msg)
            .catch((err) => this.log.error({ err, messageId: msg.id }, 'delivery crashed'))
            .finally(() => {
              this.busyChats.delete(chatId);
              this.active.delete(p);
              this.kick();
            });
          this.active.add(p);
        }
      } while (this.rescan && !this.stopped);
    } finally {
      this.scanning = false;
    }
  }

  private async deliver(msg: MessageEntity): Promise<void> {
    const now = Date.now();
    // a paused channel holds its outbound messages queued (rechecked every HOLD_RECHECK_MS, or at once on resume)
    if ((this.held.get(msg.channelId) ?? 0) > now) return;
    const channel = await this.channels.findById(msg.channelId);
    if (channel?.status === 'paused') {
      this.held.set(msg.channelId, now + HOLD_RECHECK_MS);
      return;
    }
    this.held.delete(msg.channelId);
    if (!(await this.repo.claim(msg.id, now, now + LEASE_MS))) return;
    const attempts = msg.attempts + 1;
    const target = await this.repo.target(msg);
    if (!channel || !target || !this.build) {
      await this.repo.markFailed(msg.id, { code: 'RECIPIENT_UNKNOWN', message: 'The chat, contact or channel no longer exists' }, Date.now());
      metrics.outboundSends.inc({ channel_type: channel?.type ?? 'unknown', outcome: 'failed' });
      return this.notify(msg.id);
    }
    const def = this.runtime.definition(channel.type);
    const ctx = this.runtime.context(channel);
    const outbound = this.build(msg, { externalId: target.recipient.externalId, phone: target.recipient.phone, lastInboundAt: target.lastInboundAt });
    try {
      const wait = Math.max(
        def.rateLimits?.perAccount ? this.limiter.reserve(`a:${channel.id}`, def.rateLimits.perAccount) : 0,
        def.rateLimits?.perRecipient ? this.limiter.reserve(`r:${channel.id}:${target.recipient.externalId}`, def.rateLimits.perRecipient) : 0,
      );
      if (wait > 0) await sleep(wait);
      if (def.simulateTyping !== false) {
        await def
          .sendTyping?.(ctx, { to: outbound.to, lastInboundExternalId: target.lastInboundExternalId })
          .catch((err: unknown) => this.log.warn({ err, messageId: msg.id }, 'typing indicator failed'));
        const chars = (outbound.text ?? '').length;
        await sleep(chars * this.config.typing.msPerChar + Math.random() * this.config.typing.jitterMs);
      }
      const { externalId } = await def.send(ctx, outbound);
      await this.repo.markSent(msg.id, externalId, Date.now());
      metrics.outboundSends.inc({ channel_type: channel.type, outcome: 'sent' });
      this.channels.noteSent(channel.id);
    } catch (err) {
      const ce = isChannelError(err) ? err : null;
      const error = {
        code: ce?.code ?? 'TEMPORARY',
        message: ce?.message ?? (err instanceof Error ? err.message : String(err)),
        providerCode: ce?.providerCode,
        providerMessage: ce?.providerMessage,
        attempts,
      };
      // channel health; the provider refusing the credentials flags the channel for reconnection
      void this.channels
        .noteSendError(channel.id, { code: error.code, message: error.message, at: Date.now() }, error.code === 'INVALID_CREDENTIALS')
        .catch((e: unknown) => this.log.warn({ err: e, channelId: channel.id }, 'channel health not recorded'));
      const retryable = ce ? ce.retryable : true;
      if (retryable && attempts < MAX_ATTEMPTS) {
        const base = ce?.code === 'RECIPIENT_RATE_LIMITED' ? 4 ** (attempts - 1) * 1000 : Math.min(2 ** attempts * 1000, 5 * 60_000);
        const delay = Math.max(base, ce?.retryAfterMs ?? 0);
        this.log.warn({ messageId: msg.id, code: error.code, providerCode: error.providerCode, delay }, 'send failed; will retry');
        await this.repo.reschedule(msg.id, Date.now() + delay, error);
        metrics.outboundSends.inc({ channel_type: channel.type, outcome: 'retry' });
        setTimeout(() => this.kick(), delay + 10).unref();
      } else {
        this.log.warn({ messageId: msg.id, code: error.code, providerCode: error.providerCode }, 'send failed permanently');
        await this.repo.markFailed(msg.id, error, Date.now());
        metrics.outboundSends.inc({ channel_type: channel.type, outcome: 'failed' });
      }
    }
    this.notify(msg.id);
  }

  private notify(id: string) {
    for (const l of this.listeners) l([id]);
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      this.timer = setTimeout(tick, POLL_MS);
    };
    tick();
  }

  /** Waits for deliveries in progress (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.drain();
  }
}
