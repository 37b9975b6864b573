import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError, notFound } from '../http/app-error.js';
import { FlowEngine } from './engine.js';

/**
 * `POST /webhooks/flows/:flowId` — starts a run of an enabled flow with a `trigger.webhook`
 * node. The secret comes in `X-Parley-Flow-Secret` (or `?secret=`); the JSON body (object,
 * array or empty) is in `vars.body`. 202 `{runId, status}` once the run waits or ends;
 * 404 NOT_FOUND (unknown, disabled or without a webhook trigger), 401
 * WEBHOOK_SIGNATURE_INVALID (wrong secret), 400 WEBHOOK_PAYLOAD_INVALID (not JSON).
 */
@ApiTags('flows')
@Controller('webhooks/flows')
export class FlowWebhooksController {
  constructor(private readonly engine: FlowEngine) {}

  @Post(':flowId')
  @HttpCode(202)
  trigger(@Param('flowId') flowId: string, @Req() req: Request): Promise<{ runId: string; status: string }> {
    return flowWebhook(this.engine, flowId, req);
  }
}

/**
 * Handles `POST /webhooks/flows/:flowId` (see {@link FlowWebhooksController}); also called by the
 * channels' `POST /webhooks/:type/:channelId` for `type = flows`, so the route works whichever
 * controller Express registers first. @throws AppError as documented on the controller.
 */
export async function flowWebhook(engine: FlowEngine, flowId: string, req: Request): Promise<{ runId: string; status: string }> {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : typeof req.body === 'string' ? req.body : req.body ? JSON.stringify(req.body) : '';
  let body: unknown = {};
  if (raw.trim()) {
    try {
      body = JSON.parse(raw);
    } catch {
      throw new AppError('WEBHOOK_PAYLOAD_INVALID', 'The body is not JSON');
    }
  }
  const header = req.headers['x-parley-flow-secret'];
  const q = req.query?.secret;
  const querySecret = typeof q === 'string' ? q : Array.isArray(q) && typeof q[0] === 'string' ? q[0] : null;
  const secret = (Array.isArray(header) ? header[0] : header) ?? querySecret ?? null;
  const res = await engine.webhook(flowId, secret, body);
  if (!res) throw notFound('Flow', flowId);
  if ('secretOk' in res) throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Wrong or missing flow secret');
  return res;
}
