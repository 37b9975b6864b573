import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { createCannedSchema, renderCannedSchema, updateCannedSchema } from './canned.dto.js';
import { CannedService, type CannedJson } from './canned.service.js';

/** Canned responses: `/shortcut` snippets shared by a tenant's agents. */
@ApiTags('canned-responses')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/canned-responses')
export class CannedController {
  constructor(private readonly canned: CannedService) {}

  /** `{data:[response], nextCursor:null}`, most used first; `q` matches a shortcut prefix, the title or text. */
  @Get()
  @ApiQuery({ name: 'q', required: false })
  list(@Auth() auth: AuthUser, @Query('q') q?: string) {
    return this.canned.list(auth, typeof q === 'string' && q.trim() ? q.trim().replace(/^\//, '') : undefined);
  }

  @Post()
  @ApiBody({ schema: zodSchema(createCannedSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<CannedJson> {
    return this.canned.create(auth, parseInput(createCannedSchema, body));
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<CannedJson> {
    return this.canned.get(auth, id);
  }

  @Patch(':id')
  @ApiBody({ schema: zodSchema(updateCannedSchema) })
  update(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<CannedJson> {
    return this.canned.update(auth, id, parseInput(updateCannedSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthUser, @Param('id') id: string): Promise<void> {
    return this.canned.remove(auth, id);
  }

  /** `{id, text, usageCount}`: the text with `{{contact.name}}`-style placeholders filled for `chatId`; counts one use. */
  @Post(':id/render')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(renderCannedSchema) })
  render(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown) {
    return this.canned.render(auth, id, parseInput(renderCannedSchema, body ?? {}).chatId);
  }
}
