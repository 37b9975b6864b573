import { Controller, Get, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { parseInput } from '../http/validation.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { ClickToChatService, type ClickToChatJson } from './click-to-chat.service.js';

const buttonQuery = z.object({
  text: z.string().max(1000).default(''),
  position: z.enum(['left', 'right']).default('right'),
  color: z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a #rgb or #rrggbb colour').default('#25d366').transform((c) => c.toLowerCase()),
  label: z.string().trim().min(1).max(60).default('Chat with us on WhatsApp'),
});

/** Click-to-chat buttons of a channel (WhatsApp wa.me links) with click counting. */
@ApiTags('channels')
@Controller()
export class ClickToChatController {
  constructor(private readonly service: ClickToChatService) {}

  /** 200 `{link, trackedLink, token, clicks, snippet, text, position, color, label}`; 422 CHANNEL_FEATURE_NOT_SUPPORTED. */
  @Get('api/v1/channels/:id/click-to-chat')
  @ApiBearerAuth()
  @UseGuards(AuthGuard)
  button(@Auth() auth: AuthUser, @Param('id') id: string, @Query() query: unknown): Promise<ClickToChatJson> {
    return this.service.button(auth, id, parseInput(buttonQuery, query));
  }

  /** 200 `{clicks, links:[{token, text, link, trackedLink, clicks, lastClickAt, createdAt}]}`. */
  @Get('api/v1/channels/:id/click-to-chat/stats')
  @ApiBearerAuth()
  @UseGuards(AuthGuard)
  stats(@Auth() auth: AuthUser, @Param('id') id: string) {
    return this.service.stats(auth, id);
  }

  /** Public: counts the click and redirects (302) to the stored link; 404 for unknown tokens. */
  @Get('c/:token')
  @ApiExcludeEndpoint()
  async redirect(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const target = await this.service.click(token);
    res.setHeader('Cache-Control', 'no-store');
    if (!target) {
      res.status(404).type('text/plain').send('This link does not exist.');
      return;
    }
    res.redirect(302, target);
  }
}
