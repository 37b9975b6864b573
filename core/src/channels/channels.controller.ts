import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { ChannelsService, type ChannelJson, type LoginConfigJson, type LoginJson } from './channels.service.js';

const createChannelSchema = z.object({
  type: z.string().min(1).max(40),
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.unknown()).default({}),
});

const loginSchema = z.object({
  code: z.string().min(1).max(4096),
  redirectUri: z.string().url().max(2048),
});

const updateChannelSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['connected', 'paused']).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Channel accounts ("sessions") of the caller's tenant (DESIGN.md §4 Channels). */
@ApiTags('channels')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  /** 201 `{id,type,name,status,...}`; 403 FORBIDDEN / PLAN_LIMIT_REACHED / CHANNEL_TYPE_NOT_IN_PLAN. */
  @Post()
  @ApiBody({ schema: zodSchema(createChannelSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<ChannelJson> {
    return this.channels.create(auth, parseInput(createChannelSchema, body));
  }

  /**
   * 200 `{loginSession, expiresAt, accounts:[{type, accountId, name, pictureUrl, ...}]}`: exchanges
   * a login code (Facebook Login for Business for `messenger` / `instagram`); owner/admin only.
   */
  @Post('login/:type')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(loginSchema) })
  login(@Auth() auth: AuthUser, @Param('type') type: string, @Body() body: unknown): Promise<LoginJson> {
    return this.channels.login(auth, type, parseInput(loginSchema, body));
  }

  /** 200 what the UI needs to start the login flow of `:type` (e.g. Facebook Login: appId, dialogUrl, scopes). */
  @Get('login/:type/config')
  loginConfig(@Auth() auth: AuthUser, @Param('type') type: string): LoginConfigJson {
    return this.channels.loginConfig(auth, type);
  }

  @Get()
  async list(@Auth() auth: AuthUser): Promise<{ data: ChannelJson[]; nextCursor: null }> {
    return { data: await this.channels.list(auth), nextCursor: null };
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<ChannelJson> {
    return this.channels.get(auth, id);
  }

  /** Rename, pause (`paused`) / resume (`connected`), or reconnect with new credentials (`config`); owner/admin. */
  @Patch(':id')
  @ApiBody({ schema: zodSchema(updateChannelSchema) })
  update(@Auth() auth: AuthUser, @Param('id') id: string, @Body() body: unknown): Promise<ChannelJson> {
    return this.channels.update(auth, id, parseInput(updateChannelSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthUser, @Param('id') id: string): Promise<void> {
    return this.channels.remove(auth, id);
  }
}
