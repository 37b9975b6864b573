import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TokensService } from '../tenancy/tokens.service.js';
import { MediaService } from './media.service.js';

/** Serves stored media with access control (signed URL or bearer token of the tenant). */
@ApiTags('media')
@Controller('api/v1/media')
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly tokens: TokensService,
  ) {}

  /** The file's bytes with its content type; 404 without a valid signature or token. */
  @Get(':id')
  async get(@Param('id') id: string, @Query('sig') sig: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const header = req.headers.authorization;
    const tenantId = header?.startsWith('Bearer ') ? this.tokens.verify(header.slice(7)).tenantId : undefined;
    const { file, data } = await this.media.read(id, { sig, tenantId });
    res.setHeader('Cache-Control', 'private, max-age=86400');
    if (file.filename) res.setHeader('Content-Disposition', `inline; filename="${file.filename.replace(/"/g, '')}"`);
    res.type(file.mimeType).send(data);
  }
}
