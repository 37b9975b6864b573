/**
 * Starting runs by API (`trigger.api`) and the bot's state in a chat (resume after a handoff).
 */
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError, notFound } from '../http/app-error.js';
import { parseInput, zodSchema } from '../http/validation.js';
import { assertCan } from '../tenancy/abilities.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { FlowEngine, type BotState } from './engine.js';
import { FlowErrors } from './flows.errors.js';

/** Body of `POST /api/v1/flows/:id/runs`: a chat, or a contact (its most recent chat), or neither. */
export const apiRunSchema = z
  .object({
    chatId: z.string().min(1).max(36).optional(),
    contactId: z.string().min(1).max(36).optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => !(b.chatId && b.contactId), { message: 'give chatId or contactId, not both' })
  .refine((b) => JSON.stringify(b.vars ?? {}).length <= 64 * 1024, { message: 'vars: at most 64 KiB of JSON' });

@ApiTags('flows')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/flows')
export class FlowRunsController {
  constructor(private readonly engine: FlowEngine) {}

  /**
   * Starts a run of the flow's `trigger.api` (owner/admin): `{chatId? | contactId?, vars?}` →
   * 201 `{runId, status, chatId}` once the run waits or ends. 404 NOT_FOUND for an unknown flow,
   * chat or contact (also another tenant's); 422 FLOW_NOT_PUBLISHED when the flow is unpublished
   * or disabled; 409 CONFLICT when it has no `trigger.api` node or the chat already has an
   * active bot run (`details.reason`: `NO_API_TRIGGER` / `FLOW_RUN_ACTIVE`).
   */
  @Post(':id/runs')
  @ApiBody({ schema: zodSchema(apiRunSchema) })
  async start(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<{ runId: string; status: string; chatId: string | null }> {
    assertCan(auth.role, 'update', 'Flow');
    const input = parseInput(apiRunSchema, body ?? {});
    const r = await this.engine.apiRun(auth.tenantId, id, input);
    if (r.ok) return { runId: r.runId, status: r.status, chatId: r.chatId };
    switch (r.code) {
      case 'FLOW_UNKNOWN':
        throw notFound('Flow', id);
      case 'FLOW_NOT_RUNNABLE':
        throw FlowErrors.notPublished(id);
      case 'NO_API_TRIGGER':
        throw new AppError('CONFLICT', 'The flow has no API trigger (trigger.api)', { reason: r.code, flowId: id });
      case 'NOT_FOUND':
        throw input.chatId ? notFound('Chat', input.chatId) : notFound('Contact', input.contactId!);
      case 'FLOW_RUN_ACTIVE':
        throw new AppError('CONFLICT', 'The chat already has an active bot run', { reason: r.code, chatId: input.chatId ?? null });
    }
  }
}

@ApiTags('chats')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/chats')
export class ChatBotController {
  constructor(private readonly engine: FlowEngine) {}

  /** `{chatId, paused, pausedReason, pausedAt, assigneeId, answering, activeRun}`; 404 for an unknown chat. */
  @Get(':id/bot')
  async state(@Auth() auth: AuthUser, @Param('id') id: string): Promise<BotState> {
    assertCan(auth.role, 'read', 'Chat');
    const s = await this.engine.botState(auth.tenantId, id);
    if (!s) throw notFound('Chat', id);
    return s;
  }

  /**
   * Resumes the bot after a handoff: clears the pause (idempotent) and answers the new state.
   * The bot answers again once the chat also has no assignee.
   */
  @Post(':id/bot/resume')
  @HttpCode(200)
  async resume(@Auth() auth: AuthUser, @Param('id') id: string): Promise<BotState> {
    assertCan(auth.role, 'update', 'Chat');
    const s = await this.engine.resumeBot(auth.tenantId, id);
    if (!s) throw notFound('Chat', id);
    return s;
  }
}
