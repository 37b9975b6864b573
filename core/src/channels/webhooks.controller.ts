import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { WebhookRequest } from '@parley/sdk';
import { WebhooksService } from './webhooks.service.js';
import { FlowEngine } from '../flows/engine.js';
import { flowWebhook } from '../flows/flow-webhooks.controller.js';
import { countWebhook } from '../ops/metrics.js';

function toWebhookRequest(req: Request, params: Record<string, string>): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = Array.isArray(v) ? String(v[0]) : String(v);
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return { method: req.method, params, query, headers, rawBody };
}

/**
 * Provider webhooks: `GET|POST /webhooks/:type` (account-routed, e.g. WhatsApp) and
 * `POST /webhooks/:type/:channelId` (per-channel, e.g. Telegram). Bodies arrive as raw bytes.
 */
@ApiExcludeController()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly flows: FlowEngine,
  ) {}

  /** Verification handshake (Meta: `hub.mode`, `hub.verify_token`, `hub.challenge`). */
  @Get(':type')
  verify(@Param('type') type: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(res, this.webhooks.handle(type, toWebhookRequest(req, { type })));
  }

  /** Account-routed events; 200 only after the commit, 401 bad signature, 400 malformed body. */
  @Post(':type')
  account(@Param('type') type: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(res, countWebhook(type, this.webhooks.handle(type, toWebhookRequest(req, { type }))));
  }

  private async answer(res: Response, outcome: ReturnType<WebhooksService['handle']>): Promise<void> {
    const out = await outcome;
    res.status(out.status).type(out.contentType ?? 'text/plain').send(out.body);
  }

  @Post(':type/:channelId')
  async channel(@Param('type') type: string, @Param('channelId') channelId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // `/webhooks/flows/:flowId` is the flows' route, whichever controller Express registered first
    if (type === 'flows') return void res.status(202).json(await flowWebhook(this.flows, channelId, req));
    return this.answer(res, countWebhook(type, this.webhooks.handle(type, toWebhookRequest(req, { type, channelId }), channelId)));
  }
}
