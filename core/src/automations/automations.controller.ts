import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parsePageQuery } from '../http/pagination.js';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { ruleSchema } from './automation.rules.js';
import { AutomationsService, type AutomationExecutionJson, type AutomationJson } from './automations.service.js';

const patchSchema = z
  .object({ enabled: z.boolean().optional(), name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((b) => b.enabled !== undefined || b.name !== undefined, { message: 'give enabled or name' });

/**
 * Automations API (docs/automations.md): rules `{name, enabled?, trigger:{type, config},
 * conditions?, actions:[{type, config}]}` run by the flow engine. Owner/admin manage them,
 * agents read them. 404 for another tenant's automation; 422 FLOW_INVALID with
 * `details.errors: [{path, code, message}]` for an invalid rule.
 */
@ApiTags('automations')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/automations')
export class AutomationsController {
  constructor(private readonly automations: AutomationsService) {}

  /** → 201 the automation (disabled unless `enabled: true`). */
  @Post()
  @ApiBody({ schema: zodSchema(ruleSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<AutomationJson> {
    return this.automations.create(auth, parseInput(ruleSchema, body));
  }

  /** `{data:[automation], nextCursor}`, newest first. */
  @Get()
  list(@Auth() auth: AuthUser, @Query() query: Record<string, unknown>) {
    const { limit, cursor } = parsePageQuery<string>(query);
    return this.automations.list(auth, limit, cursor);
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<AutomationJson> {
    return this.automations.get(auth, id);
  }

  /** Replaces the rule; the next runs use it (runs already started finish on the old one). */
  @Put(':id')
  @ApiBody({ schema: zodSchema(ruleSchema) })
  replace(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<AutomationJson> {
    return this.automations.replace(auth, id, parseInput(ruleSchema, body));
  }

  /** `{enabled?, name?}`. */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(patchSchema) })
  patch(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<AutomationJson> {
    return this.automations.patch(auth, id, parseInput(patchSchema, body));
  }

  /** 204; the runs and their log go too. */
  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthUser, @Param('id') id: string): Promise<void> {
    return this.automations.remove(auth, id);
  }

  /** Execution log `{data:[{runId, status, chatId, contactId, event, startedAt, finishedAt, error, steps}], nextCursor}`, newest first. */
  @Get(':id/log')
  log(@Auth() auth: AuthUser, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<{ data: AutomationExecutionJson[]; nextCursor: string | null }> {
    const { limit, cursor } = parsePageQuery<string>(query);
    return this.automations.log(auth, id, limit, cursor);
  }
}
