import { Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
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
  async trigger(@Param('flowId') flowId: string, @Query('secret') querySecret: string | undefined, @Req() req: Request): Promise<{ runId: string; status: string }> {
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
    const secret = (Array.isArray(header) ? header[0] : header) ?? querySecret ?? null;
    const res = await this.engine.webhook(flowId, secret, body);
    if (!res) throw notFound('Flow', flowId);
    if ('secretOk' in res) throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Wrong or missing flow secret');
    return res;
  }
}
