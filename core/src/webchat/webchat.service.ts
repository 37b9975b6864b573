/**
 * The visitor side of the web chat (issue 6): public widget config, visitor sessions (tokens),
 * history, and visitor messages. Visitor messages are normalised by the channel plugin
 * (`webhook.parse` of a body built here, never the visitor's raw bytes) and stored through the
 * normal inbound pipeline, so the inbox sees them live and flows run on them; a retried POST
 * with the same client id is stored once.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { InboundMessage, WebhookRequest } from '@parley/sdk';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AppError, notFound } from '../http/app-error.js';
import { ChannelRuntime } from '../channels/channel-runtime.js';
import type { ChannelEntity } from '../channels/channel.entity.js';
import { InboundPipeline } from '../channels/inbound.pipeline.js';
import type { MessageEntity } from '../conversations/conversations.entity.js';
import { MediaService } from '../media/media.service.js';
import { checkUpload } from '../media/upload-policy.js';
import { encodeCursor } from '../http/pagination.js';
import { issueVisitorToken, Throttle, verifyVisitorToken } from './visitor-token.js';
import { WebchatRepository, type VisitorRow } from './webchat.repository.js';
import { WebchatGateway } from './webchat.gateway.js';

export const WEBCHAT_TYPE = 'webchat';
/** Longest visitor text message. */
export const MAX_VISITOR_TEXT = 4000;
/** Largest visitor image (PNG or JPEG). */
export const MAX_VISITOR_IMAGE = 5 * 1024 * 1024;
export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What the widget needs to render (public: nothing secret lives in a web-chat config). */
export interface WidgetConfigJson {
  channelId: string;
  name: string;
  color: string;
  greeting: string;
  position: 'left' | 'right';
  askName: boolean;
  askEmail: boolean;
}

/** A message as the visitor sees it. */
export interface VisitorMessageJson {
  id: string;
  /** The widget's own id of a visitor message (dedupe of optimistic bubbles). */
  clientId: string | null;
  direction: 'in' | 'out';
  senderType: string;
  type: string;
  text: string | null;
  media: { url: string | null; mimeType: string | null; filename: string | null; caption: string | null } | null;
  buttons?: { id: string; title: string }[];
  status: string;
  createdAt: string;
}

const tooMany = (retryAfterMs: number, what: string) =>
  new AppError('RATE_LIMITED', `Too many ${what}: slow down`, { retryAfterMs });

@Injectable()
export class WebchatService {
  /** New visitor sessions per IP: bursts of 10, then one per 10 s. */
  private readonly visitorsPerIp = new Throttle(0.1, 10);
  /** Messages per visitor: bursts of 10, then one per second. */
  private readonly messagesPerVisitor = new Throttle(1, 10);
  /** Messages per IP (many visitors behind one address): bursts of 60, then 5 per second. */
  private readonly messagesPerIp = new Throttle(5, 60);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WebchatRepository,
    private readonly runtime: ChannelRuntime,
    private readonly pipeline: InboundPipeline,
    private readonly media: MediaService,
    private readonly gateway: WebchatGateway,
  ) {}

  /** A web-chat channel that is not disconnected. @throws AppError NOT_FOUND. */
  private async channel(channelId: string): Promise<ChannelEntity> {
    const c = typeof channelId === 'string' && channelId.length <= 36 ? await this.repo.channel(channelId) : null;
    if (!c || c.type !== WEBCHAT_TYPE || c.status === 'disconnected') throw notFound('Web chat', channelId);
    return c;
  }

  async widgetConfig(channelId: string): Promise<WidgetConfigJson> {
    const c = await this.channel(channelId);
    const def = this.runtime.definition(WEBCHAT_TYPE);
    const cfg = def.parseConfig(c.config ?? {}) as Omit<WidgetConfigJson, 'channelId' | 'name'> & { name?: string };
    return { channelId: c.id, name: cfg.name || c.name, color: cfg.color, greeting: cfg.greeting, position: cfg.position, askName: cfg.askName, askEmail: cfg.askEmail };
  }

  /** Starts a visitor session. @throws AppError NOT_FOUND, RATE_LIMITED. */
  async createVisitor(channelId: string, input: { name?: string | null; email?: string | null }, ip: string): Promise<{ visitorId: string; token: string; name: string | null; email: string | null }> {
    const c = await this.channel(channelId);
    const wait = this.visitorsPerIp.take(`${ip}`);
    if (wait) throw tooMany(wait, 'new conversations from this address');
    const v = await this.repo.createVisitor({ tenantId: c.tenantId, channelId: c.id, name: input.name?.trim() || null, email: input.email?.trim().toLowerCase() || null });
    return { visitorId: v.id, token: issueVisitorToken(this.config.jwtSecret, { channelId: c.id, visitorId: v.id }), name: v.name, email: v.email };
  }

  /** The visitor of a token for this channel. @throws AppError VISITOR_TOKEN_INVALID, NOT_FOUND. */
  async visitor(channelId: string, token: string | undefined): Promise<{ channel: ChannelEntity; visitor: VisitorRow }> {
    const claims = verifyVisitorToken(this.config.jwtSecret, token, channelId);
    const channel = await this.channel(channelId);
    const visitor = await this.repo.visitor(channel.id, claims.visitorId);
    if (!visitor || visitor.tenantId !== channel.tenantId) throw new AppError('VISITOR_TOKEN_INVALID', 'The visitor token is missing or invalid: start a new conversation');
    return { channel, visitor };
  }

  /** The visitor's conversation, newest first. */
  async history(channelId: string, token: string | undefined, page: { limit: number; cursor: [number, string] | null }): Promise<{ data: VisitorMessageJson[]; nextCursor: string | null }> {
    const { channel, visitor } = await this.visitor(channelId, token);
    const chatId = await this.repo.chatOf(channel.tenantId, channel.id, visitor.id);
    if (!chatId) return { data: [], nextCursor: null };
    const rows = await this.repo.visibleMessages(channel.tenantId, chatId, page.limit + 1, page.cursor);
    const more = rows.length > page.limit;
    const list = more ? rows.slice(0, page.limit) : rows;
    const last = list[list.length - 1];
    return { data: list.map((m) => this.toVisitorJson(m, visitor.id)), nextCursor: more && last ? encodeCursor([last.createdAt, last.id]) : null };
  }

  /**
   * Stores a visitor's text or image message and returns it (the stored one when the client
   * id was already used). @throws AppError VISITOR_TOKEN_INVALID, VALIDATION_FAILED, RATE_LIMITED,
   * MEDIA_TYPE_NOT_ALLOWED, MEDIA_TOO_LARGE.
   */
  async postMessage(
    channelId: string,
    token: string | undefined,
    ip: string,
    input: { clientId: string; text?: string | null; image?: { data: Buffer; contentType: string | undefined; filename?: string | null } },
  ): Promise<{ created: boolean; message: VisitorMessageJson }> {
    const { channel, visitor } = await this.visitor(channelId, token);
    if (!CLIENT_ID.test(input.clientId)) throw validation('id', 'must be 1-64 letters, digits, _ or -');
    const text = input.text?.trim() ? input.text.slice(0, MAX_VISITOR_TEXT + 1) : null;
    if (text && text.length > MAX_VISITOR_TEXT) throw validation('text', `at most ${MAX_VISITOR_TEXT} characters`);
    if (!input.image && !text) throw validation('text', 'required');
    const externalId = `${visitor.id}:${input.clientId}`;
    const existing = await this.repo.messageByExternalId(channel.tenantId, channel.id, externalId);
    if (existing) return { created: false, message: this.toVisitorJson(existing, visitor.id) };
    const waitV = this.messagesPerVisitor.take(`${channel.id}:${visitor.id}`);
    const waitIp = waitV ? 0 : this.messagesPerIp.take(ip);
    if (waitV || waitIp) throw tooMany(waitV || waitIp, 'messages');

    let file: { id: string; mimeType: string; size: number; filename: string | null } | null = null;
    if (input.image) {
      const { kind, mimeType } = checkUpload(input.image.contentType, input.image.data, Math.min(MAX_VISITOR_IMAGE, this.media.maxBytes));
      if (kind !== 'image') throw new AppError('MEDIA_TYPE_NOT_ALLOWED', 'Visitors may send PNG or JPEG images only', { mimeType, allowed: ['image/png', 'image/jpeg'] });
      const stored = await this.media.store(channel.tenantId, { data: input.image.data, mimeType, filename: input.image.filename ?? null });
      file = { id: stored.id, mimeType, size: stored.size, filename: stored.filename };
    }
    const body = JSON.stringify({
      visitor: { id: visitor.id, name: visitor.name, email: visitor.email },
      message: { id: input.clientId, type: file ? 'image' : 'text', text, file },
      receivedAt: Date.now(),
    });
    const req: WebhookRequest = { method: 'POST', params: { channelId: channel.id }, query: {}, headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(body) };
    const def = this.runtime.definition(WEBCHAT_TYPE);
    const events = def.webhook.parse(req, this.runtime.runtime).filter((e): e is InboundMessage => e.kind === 'message');
    await this.pipeline.ingest([{ channel: { id: channel.id, tenantId: channel.tenantId, type: channel.type }, messages: events, statuses: [], rawPayload: body }]);
    const stored = await this.repo.messageByExternalId(channel.tenantId, channel.id, externalId);
    if (!stored) throw new AppError('INTERNAL_ERROR', 'The message was not stored');
    const message = this.toVisitorJson(stored, visitor.id);
    // the visitor's other tabs
    this.gateway.emitToVisitor(channel.id, visitor.id, 'message', { message });
    return { created: true, message };
  }

  toVisitorJson(m: MessageEntity, visitorId: string): VisitorMessageJson {
    const prefix = `${visitorId}:`;
    const media = m.media
      ? {
          url: m.media.fileId ? this.media.urlOf(m.tenantId, m.media.fileId) : (m.media.providerUrl ?? null),
          mimeType: m.media.mimeType ?? null,
          filename: m.media.filename ?? null,
          caption: m.media.caption ?? null,
        }
      : null;
    const out: VisitorMessageJson = {
      id: m.id,
      clientId: m.direction === 'in' && m.externalId?.startsWith(prefix) ? m.externalId.slice(prefix.length) : null,
      direction: m.direction,
      senderType: m.senderType,
      type: m.type,
      text: m.text,
      media,
      status: m.status,
      createdAt: new Date(m.createdAt).toISOString(),
    };
    const interactive = (m.content?.interactive ?? null) as { buttons?: { id: string; title: string }[]; sections?: { rows: { id: string; title: string }[] }[] } | null;
    const buttons = interactive?.buttons ?? interactive?.sections?.flatMap((s) => s.rows);
    if (buttons?.length) out.buttons = buttons.map((b) => ({ id: String(b.id), title: String(b.title) }));
    return out;
  }
}

function validation(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${path}: ${message}`, { issues: [{ path, message }] });
}
