import { Inject, Injectable } from '@nestjs/common';
import { WebhookParseError, type InboundEvent, type InboundMessage, type InboundStatus, type WebhookRequest, type WebhookResponse } from '@parley/sdk';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logger.js';
import { AppError } from '../http/app-error.js';
import { ChannelRuntime } from './channel-runtime.js';
import { ChannelErrors } from './channels.errors.js';
import { InboundPipeline, type InboundJob } from './inbound.pipeline.js';
import type { ChannelEntity } from './channel.entity.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelTemplatesService } from './templates.service.js';

/** Outcome of a webhook: what the controller answers. */
export type WebhookOutcome = WebhookResponse;

const OK: WebhookOutcome = { status: 200, body: '{"status":"ok"}', contentType: 'application/json' };

/**
 * Receives provider webhooks (DESIGN.md §5 steps 1–4): handshake, signature over the raw
 * bytes, parsing into normalised events, routing to channels, and the group-committed store.
 * Answers 200 only after the commit; unknown accounts get 200 and a log line.
 */
@Injectable()
export class WebhooksService {
  private readonly log: Logger;

  constructor(
    private readonly runtime: ChannelRuntime,
    private readonly channels: ChannelsRepository,
    private readonly pipeline: InboundPipeline,
    private readonly templates: ChannelTemplatesService,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'webhooks' });
  }

  /**
   * @param channelId set for per-channel webhook URLs (`/webhooks/:type/:channelId`).
   * @throws AppError CHANNEL_TYPE_UNKNOWN (400), WEBHOOK_SIGNATURE_INVALID (401), WEBHOOK_PAYLOAD_INVALID (400).
   */
  async handle(type: string, req: WebhookRequest, channelId?: string): Promise<WebhookOutcome> {
    const def = this.runtime.definition(type);
    const rt = this.runtime.runtime;
    if (req.method === 'GET') {
      const answer = def.webhook.handshake?.(req, rt);
      if (!answer) throw new AppError('METHOD_NOT_ALLOWED', 'GET is only for the provider verification handshake');
      return answer;
    }

    let channel: ChannelEntity | null = null;
    if (def.webhook.routing === 'channel') {
      channel = channelId ? await this.channels.findById(channelId) : null;
      if (!channel || channel.type !== type) {
        this.log.warn({ type, channelId }, 'webhook for unknown channel ignored');
        return OK;
      }
      if (!def.webhook.verify(req, rt, this.runtime.context(channel).config)) throw ChannelErrors.badSignature();
    } else if (!def.webhook.verify(req, rt)) {
      throw ChannelErrors.badSignature();
    }

    let events: InboundEvent[];
    try {
      events = def.webhook.parse(req, rt);
    } catch (err) {
      if (err instanceof WebhookParseError || (err as Error)?.name === 'WebhookParseError' || err instanceof SyntaxError) {
        throw ChannelErrors.badPayload((err as Error).message);
      }
      throw err;
    }

    const jobs = new Map<string, InboundJob>();
    const raw = req.rawBody.toString('utf8');
    for (const ev of events) {
      // template status changes concern the whole account (WhatsApp: the WABA), not one channel
      const templateScope = ev.kind === 'account_event' ? this.templates.invalidateFor(type, ev) : null;
      if (templateScope !== null && ev.kind === 'account_event') {
        this.log.info({ type, scope: templateScope, topic: ev.topic, data: ev.data }, 'message templates changed; cached lists dropped');
        continue;
      }
      const ch = channel ?? (await this.runtime.findByAccount(type, ev.accountId));
      if (!ch) {
        this.log.warn({ type, accountId: ev.accountId, kind: ev.kind }, 'webhook event for unknown account ignored');
        continue;
      }
      let job = jobs.get(ch.id);
      if (!job) {
        job = { channel: { id: ch.id, tenantId: ch.tenantId, type: ch.type }, messages: [], statuses: [], rawPayload: jobs.size === 0 ? raw : null };
        jobs.set(ch.id, job);
      }
      if (ev.kind === 'message') job.messages.push(ev as InboundMessage);
      else if (ev.kind === 'status') job.statuses.push(ev as InboundStatus);
      else this.log.info({ channelId: ch.id, topic: ev.topic, errors: ev.errors }, 'account event');
    }
    await this.pipeline.ingest([...jobs.values()]);
    for (const id of jobs.keys()) this.channels.noteWebhook(id);
    return OK;
  }
}
