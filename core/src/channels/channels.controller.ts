import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import type { MessageTemplate } from '@parley/sdk';
import { ChannelsService, type ChannelJson, type LoginConfigJson, type LoginJson } from './channels.service.js';
import { ChannelTemplatesService } from './templates.service.js';

const createChannelSchema = z.object({
  type: z.string().min(1).max(40),
  name: z.string().trim().min(1).max(200),
  config: z.record(z.string(), z.unknown()).default({}),
});

const loginSchema = z.object({
  code: z.string().min(1).max(4096),
  /** The OAuth dialog's redirect URI; absent for codes from a JavaScript SDK popup (WhatsApp Embedded Signup). */
  redirectUri: z.string().url().max(2048).optional(),
  /** Values the provider's front-end flow reported (Embedded Signup: `{wabaId, phoneNumberId, pin}`). */
  extras: z
    .record(z.string().max(64), z.string().max(512))
    .refine((r) => Object.keys(r).length <= 20, 'at most 20 extras')
    .optional(),
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
  constructor(
    private readonly channels: ChannelsService,
    private readonly templates: ChannelTemplatesService,
  ) {}

  /** 201 `{id,type,name,status,...}`; 403 FORBIDDEN / PLAN_LIMIT_REACHED / CHANNEL_TYPE_NOT_IN_PLAN. */
  @Post()
  @ApiBody({ schema: zodSchema(createChannelSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<ChannelJson> {
    return this.channels.create(auth, parseInput(createChannelSchema, body));
  }

  /**
   * 200 `{loginSession, expiresAt, accounts:[{type, accountId, name, pictureUrl, ...}]}`: exchanges
   * a login code `{code, redirectUri?, extras?}` (Facebook Login for Business for `messenger` /
   * `instagram`, Embedded Signup for `whatsapp`); owner/admin only.
   */
  @Post('login/:type')
  @HttpCode(200)
  @ApiBody({ schema: zodSchema(loginSchema) })
  login(@Auth() auth: AuthUser, @Param('type') type: string, @Body() body: unknown): Promise<LoginJson> {
    return this.channels.login(auth, type, parseInput(loginSchema, body));
  }

  /** 200 what the UI needs to start the login flow of `:type` (Facebook Login: appId, dialogUrl, scopes; Embedded Signup: appId, configId, sdkUrl). */
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

  /**
   * 200 `{data:[{name, language, category, status, components, bodyParams}]}`: the channel's
   * approved message templates (WhatsApp; `[]` for other types), cached up to
   * 5 minutes (`TEMPLATES_CACHE_TTL_MS`). Any user of the tenant; 404 for another tenant's channel.
   */
  @Get(':id/templates')
  async listTemplates(@Auth() auth: AuthUser, @Param('id') id: string): Promise<{ data: MessageTemplate[] }> {
    return { data: await this.templates.list(auth, id) };
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
