import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { NodeDescriptor } from '@parley/sdk';
import { parsePageQuery, type Page } from '../http/pagination.js';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { createFlowSchema, draftBodySchema, importSchema, patchFlowSchema, publishSchema, rollbackSchema, saveDraftSchema, simulateSchema } from './dto.js';
import type { FlowExport, FlowJson, FlowValidationError, FlowVersionJson, SimulationJson } from './flow.types.js';
import { FlowsService } from './flows.service.js';
import { z } from 'zod';

const statsQuerySchema = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() });
import type { FlowStats } from './stats.js';

/**
 * Flows API (issue 4). Owner/admin manage flows, agents read them. Another tenant's flow
 * answers 404. Errors: 400 VALIDATION_FAILED, 403 FORBIDDEN, 404 NOT_FOUND, 409
 * FLOW_RUN_NOT_WAITING and DRAFT_CONFLICT, 422 FLOW_INVALID (`details.errors: [{nodeId, code, message}]`),
 * FLOW_NOT_PUBLISHED and FLOW_TOO_LARGE.
 */
@ApiTags('flows')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  /** `{name, draft:{nodes, edges}}` → 201 `{id, name, enabled:false, draft, ...}`. */
  @Post()
  @ApiBody({ schema: zodSchema(createFlowSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<FlowJson> {
    const { name, draft } = parseInput(createFlowSchema, body);
    return this.flows.create(auth, name, draft);
  }

  /** `{data:[flow], nextCursor}`, newest first. */
  @Get()
  list(@Auth() auth: AuthUser, @Query() query: Record<string, unknown>): Promise<Page<FlowJson>> {
    const { limit, cursor } = parsePageQuery<string>(query);
    return this.flows.list(auth, limit, cursor);
  }

  /** `{draft}` → `{valid, errors:[{nodeId, code, message}]}` (200 either way). */
  @Post('validate')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(draftBodySchema) })
  validate(@Auth() auth: AuthUser, @Body() body: unknown): { valid: boolean; errors: FlowValidationError[] } {
    return this.flows.validate(auth, parseInput(draftBodySchema, body).draft);
  }

  /** The export format `{format:"parley.flow", formatVersion:1, name, draft}` → 201 flow (disabled). */
  @Post('import')
  @ApiBody({ schema: zodSchema(importSchema) })
  import(@Auth() auth: AuthUser, @Body() body: unknown): Promise<FlowJson> {
    const { name, draft } = parseInput(importSchema, body);
    return this.flows.create(auth, name, draft);
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<FlowJson> {
    return this.flows.get(auth, id);
  }

  /**
   * Replaces the draft (`{draft, revision?}`); it may be invalid. `revision`: the flow's
   * `draftRevision` the edit is based on → 409 DRAFT_CONFLICT when the draft was saved since
   * (`details.revision` is the stored one); without it the last save wins. The answer carries
   * the new `draftRevision`. 422 FLOW_TOO_LARGE past `FLOW_MAX_NODES`.
   */
  @Put(':id/draft')
  @ApiBody({ schema: zodSchema(saveDraftSchema) })
  saveDraft(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<FlowJson> {
    const { draft, revision } = parseInput(saveDraftSchema, body);
    return this.flows.saveDraft(auth, id, draft, revision);
  }

  /** `{enabled?, name?}`; enabling needs a published version (422 FLOW_NOT_PUBLISHED). */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(patchFlowSchema) })
  patch(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<FlowJson> {
    return this.flows.patch(auth, id, parseInput(patchFlowSchema, body));
  }

  /** `{note?}` → 201 the new version (with its graph); 422 FLOW_INVALID with per-node errors. */
  @Post(':id/publish')
  @ApiBody({ schema: zodSchema(publishSchema) })
  publish(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<FlowVersionJson> {
    return this.flows.publish(auth, id, parseInput(publishSchema, body ?? {}).note ?? null);
  }

  /** `{data:[{id, version, note, createdBy, createdAt, active}], nextCursor:null}`, newest first. */
  @Get(':id/versions')
  versions(@Auth() auth: AuthUser, @Param('id') id: string): Promise<Page<FlowVersionJson>> {
    return this.flows.versions(auth, id);
  }

  /** One version with its graph. */
  @Get(':id/versions/:version')
  version(@Auth() auth: AuthUser, @Param('id') id: string, @Param('version', ParseIntPipe) version: number): Promise<FlowVersionJson> {
    return this.flows.version(auth, id, version);
  }

  /** `{version}` → the flow, now running that version. */
  @Post(':id/rollback')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(rollbackSchema) })
  rollback(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<FlowJson> {
    return this.flows.rollback(auth, id, parseInput(rollbackSchema, body).version);
  }

  /**
   * `{runs, byStatus, completionRate, nodes:[{nodeId, entries, exits:{branch:n}, dropOffs, medianMs}]}`
   * over the live runs (simulations excluded); `?from=&to=` (ISO dates or times) keeps the runs
   * that started in `[from, to)`.
   */
  @Get(':id/stats')
  stats(@Auth() auth: AuthUser, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<FlowStats> {
    const { from, to } = parseInput(statsQuerySchema, query);
    return this.flows.stats(auth, id, { from: from?.getTime(), to: to?.getTime() });
  }

  @Get(':id/export')
  export(@Auth() auth: AuthUser, @Param('id') id: string): Promise<FlowExport> {
    return this.flows.export(auth, id);
  }

  /** `{text, contact?:{name}}` or `{runId, text}` → `{runId, status, transcript, vars, error?}`. */
  @Post(':id/simulate')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(simulateSchema) })
  simulate(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<SimulationJson> {
    return this.flows.simulate(auth, id, parseInput(simulateSchema, body));
  }

  /** 204. Deletes the flow with its versions and runs. */
  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthUser, @Param('id') id: string): Promise<void> {
    await this.flows.delete(auth, id);
  }
}

/** `GET /api/v1/flow-node-types` → `{data:[{type, version, label, category, description, configSchema, outputs, ...}]}`. */
@ApiTags('flows')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/flow-node-types')
export class FlowNodeTypesController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  list(@Auth() auth: AuthUser): { data: NodeDescriptor[] } {
    return this.flows.nodeTypes(auth);
  }
}
