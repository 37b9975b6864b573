import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../http/app-error.js';
import { decodeCursor } from '../http/pagination.js';
import { parseInput } from '../http/validation.js';
import { MAX_VISITOR_IMAGE, WebchatService, type VisitorMessageJson, type WidgetConfigJson } from './webchat.service.js';

const visitorSchema = z.object({
  name: z.string().trim().max(100).nullish(),
  email: z.string().trim().max(254).email().nullish().or(z.literal('')),
});

const textSchema = z.object({ id: z.string().min(1).max(64), text: z.string().min(1).max(4000) });

const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() });

/** Finds widget.client.js next to this file (src) or in core/src/webchat when running from dist. */
function loadWidget(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, resolve(here, '../../../../src/webchat'), resolve(here, '../../../src/webchat')]) {
    try {
      return readFileSync(join(dir, 'widget.client.js'), 'utf8');
    } catch {
      /* next */
    }
  }
  throw new Error('core/src/webchat/widget.client.js not found');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const bearer = (h: string | undefined) => (h?.startsWith('Bearer ') ? h.slice(7) : undefined);

async function readBody(req: Request, max: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new AppError('MEDIA_TOO_LARGE', `Images may be at most ${max} bytes`, { size: declared, max });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.destroy();
      throw new AppError('MEDIA_TOO_LARGE', `Images may be at most ${max} bytes`, { max });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The web chat's visitor side: `GET /webchat/widget.js`, `GET /webchat/demo?channelId=`, and the
 * visitor API under `/webchat/:channelId/...` (public; a visitor token in `Authorization: Bearer`
 * for history and messages). Live replies arrive on the socket.io namespace `/webchat`.
 */
@ApiTags('webchat')
@Controller('webchat')
export class WebchatController {
  private widget: string | null = null;

  constructor(private readonly service: WebchatService) {}

  @Get('widget.js')
  @ApiExcludeEndpoint()
  widgetJs(@Res() res: Response): void {
    this.widget ??= loadWidget();
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('application/javascript; charset=utf-8').send(this.widget);
  }

  /** A page that embeds the widget of `channelId` (try the channel without a website). */
  @Get('demo')
  @ApiExcludeEndpoint()
  async demo(@Query('channelId') channelId: string | undefined, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; connect-src 'self' ws: wss:");
    let cfg: WidgetConfigJson | null = null;
    try {
      cfg = typeof channelId === 'string' ? await this.service.widgetConfig(channelId) : null;
    } catch {
      cfg = null;
    }
    if (!cfg) {
      res.status(404).type('html').send('<!doctype html><meta charset="utf-8"><title>Web chat not found</title><p>No web chat with this id. Create a <code>webchat</code> channel and open <code>/webchat/demo?channelId=&lt;its id&gt;</code>.</p>');
      return;
    }
    const title = escapeHtml(cfg.name);
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} — web chat demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937;background:#f8fafc}main{max-width:720px;margin:0 auto;padding:48px 24px}code{background:#e2e8f0;padding:2px 6px;border-radius:4px;word-break:break-all}</style>
</head><body><main>
<h1>${title}</h1>
<p>This is a demo page of Parley's website chat. Use the chat button in the corner to write to the team; replies from the inbox appear here live.</p>
<p>Add the same widget to any site with:</p>
<p><code>${escapeHtml(`<script src="/webchat/widget.js" data-channel="${cfg.channelId}" async></script>`)}</code></p>
</main>
<script src="/webchat/widget.js" data-channel="${escapeHtml(cfg.channelId)}" async></script>
</body></html>`);
  }

  /** Public widget settings: `{channelId, name, color, greeting, position, askName, askEmail}`. */
  @Get(':channelId/config')
  widgetConfig(@Param('channelId') channelId: string, @Res({ passthrough: true }) res: Response): Promise<WidgetConfigJson> {
    res.setHeader('Cache-Control', 'no-cache');
    return this.service.widgetConfig(channelId);
  }

  /** 201 `{visitorId, token, name, email}`: a visitor session; keep `token` (localStorage). 429 RATE_LIMITED. */
  @Post(':channelId/visitors')
  @HttpCode(201)
  createVisitor(@Param('channelId') channelId: string, @Body() body: unknown, @Req() req: Request) {
    const input = parseInput(visitorSchema, body ?? {});
    return this.service.createVisitor(channelId, { name: input.name, email: input.email || null }, req.ip ?? 'unknown');
  }

  /** The visitor's messages, newest first: `{data, nextCursor}`. 401 VISITOR_TOKEN_INVALID. */
  @Get(':channelId/messages')
  history(@Param('channelId') channelId: string, @Headers('authorization') auth: string | undefined, @Query() query: unknown) {
    const q = parseInput(historyQuery, query ?? {});
    const cursor = q.cursor ? decodeCursor<[number, string]>(q.cursor) : null;
    if (cursor && (!Array.isArray(cursor) || typeof cursor[0] !== 'number' || typeof cursor[1] !== 'string')) throw new AppError('VALIDATION_FAILED', 'Invalid cursor');
    return this.service.history(channelId, bearer(auth), { limit: q.limit, cursor });
  }

  /**
   * A visitor message: JSON `{id, text}` (id: the widget's own message id, for retries), or the
   * bytes of a PNG/JPEG image with its content type and `?id=&caption=&filename=`. 201 `{message}`
   * (200 when the id was already stored); 429 RATE_LIMITED; 413/415 for images.
   */
  @Post(':channelId/messages')
  async postMessage(@Param('channelId') channelId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ message: VisitorMessageJson }> {
    const token = bearer(req.headers.authorization);
    const ip = req.ip ?? 'unknown';
    let result: { created: boolean; message: VisitorMessageJson };
    if (req.is('application/json')) {
      const input = parseInput(textSchema, req.body ?? {});
      result = await this.service.postMessage(channelId, token, ip, { clientId: input.id, text: input.text });
    } else {
      // authenticate before reading megabytes
      await this.service.visitor(channelId, token);
      const q = parseInput(z.object({ id: z.string().min(1).max(64), caption: z.string().max(1000).optional(), filename: z.string().max(200).optional() }), req.query ?? {});
      const data = await readBody(req, MAX_VISITOR_IMAGE);
      const filename = q.filename?.replace(/[\\/\r\n"]/g, '_') || null;
      result = await this.service.postMessage(channelId, token, ip, { clientId: q.id, text: q.caption ?? null, image: { data, contentType: req.headers['content-type'], filename } });
    }
    res.status(result.created ? 201 : 200);
    return { message: result.message };
  }
}
