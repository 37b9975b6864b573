/**
 * Click-to-chat buttons (issue 6): for a channel whose plugin knows a "chat with this account"
 * link (`ChannelDefinition.chatLink`, e.g. WhatsApp's `https://wa.me/<number>?text=...`), an
 * embeddable button whose href is Parley's tracked redirect `PUBLIC_URL/c/<token>`, which counts
 * the click and redirects to the link. One token per (channel, prefilled text).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AppError, notFound } from '../http/app-error.js';
import { ChannelRuntime } from '../channels/channel-runtime.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { WebchatRepository, type ClickLinkRow } from './webchat.repository.js';

export interface ClickToChatOptions {
  text: string;
  position: 'left' | 'right';
  color: string;
  label: string;
}

export interface ClickToChatJson extends ClickToChatOptions {
  /** The provider's link (e.g. wa.me) with the text prefilled. */
  link: string;
  /** Parley's counting redirect to `link`; the snippet uses it. */
  trackedLink: string;
  token: string;
  clicks: number;
  /** One-line HTML button to paste into a page. */
  snippet: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The button's HTML: a fixed-position link with inline styles (no script). Inputs must be validated. */
export function buttonSnippet(href: string, o: Pick<ClickToChatOptions, 'position' | 'color' | 'label'>): string {
  const style = [
    'position:fixed', 'bottom:20px', `${o.position}:20px`, 'z-index:2147483000', 'display:inline-flex', 'align-items:center', 'gap:8px',
    'padding:12px 18px', 'border-radius:999px', `background:${o.color}`, 'color:#fff', 'font:600 15px/1.2 system-ui,sans-serif',
    'text-decoration:none', 'box-shadow:0 4px 14px rgba(0,0,0,.25)',
  ].join(';');
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener" data-parley-click-to-chat style="${style}">${escapeHtml(o.label)}</a>`;
}

@Injectable()
export class ClickToChatService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly channels: ChannelsRepository,
    private readonly runtime: ChannelRuntime,
    private readonly repo: WebchatRepository,
  ) {}

  private async linkOf(auth: AuthUser, channelId: string, text: string) {
    assertCan(auth.role, 'read', 'Channel');
    const c = await this.channels.get(auth.tenantId, channelId);
    if (!c) throw notFound('Channel', channelId);
    const def = this.runtime.definition(c.type);
    if (!def.chatLink) throw new AppError('CHANNEL_FEATURE_NOT_SUPPORTED', `Channel type "${c.type}" has no click-to-chat link`, { type: c.type });
    const link = def.chatLink({ id: c.id, tenantId: c.tenantId, name: c.name, config: c.config ?? {}, info: c.info }, { text: text || undefined });
    if (!link) throw new AppError('CHANNEL_FEATURE_NOT_SUPPORTED', 'This channel has no public number to link to', { type: c.type });
    return { channel: c, link };
  }

  /** The button of a channel. @throws AppError NOT_FOUND, CHANNEL_FEATURE_NOT_SUPPORTED. */
  async button(auth: AuthUser, channelId: string, options: ClickToChatOptions): Promise<ClickToChatJson> {
    const { channel, link } = await this.linkOf(auth, channelId, options.text);
    const row = await this.repo.clickLink({
      tenantId: channel.tenantId, channelId: channel.id, token: randomBytes(12).toString('base64url'),
      textHash: createHash('sha256').update(options.text).digest('hex'), text: options.text, targetUrl: link,
    });
    const trackedLink = this.tracked(row);
    return { ...options, link, trackedLink, token: row.token, clicks: row.clicks, snippet: buttonSnippet(trackedLink, options) };
  }

  /** Click counts of a channel's buttons. */
  async stats(auth: AuthUser, channelId: string): Promise<{ clicks: number; links: { token: string; text: string; link: string; trackedLink: string; clicks: number; lastClickAt: string | null; createdAt: string }[] }> {
    assertCan(auth.role, 'read', 'Channel');
    const c = await this.channels.get(auth.tenantId, channelId);
    if (!c) throw notFound('Channel', channelId);
    const rows = await this.repo.clickLinks(auth.tenantId, c.id);
    return {
      clicks: rows.reduce((n, r) => n + r.clicks, 0),
      links: rows.map((r) => ({
        token: r.token, text: r.text, link: r.targetUrl, trackedLink: this.tracked(r), clicks: r.clicks,
        lastClickAt: r.lastClickAt ? new Date(r.lastClickAt).toISOString() : null, createdAt: new Date(r.createdAt).toISOString(),
      })),
    };
  }

  /** Counts a click; the link to redirect to, or null for an unknown token. */
  async click(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(token)) return null;
    return (await this.repo.click(token))?.targetUrl ?? null;
  }

  private tracked(r: ClickLinkRow): string {
    return `${this.config.publicUrl}/c/${r.token}`;
  }
}
