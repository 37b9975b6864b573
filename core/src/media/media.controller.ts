import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TokensService } from '../tenancy/tokens.service.js';
import { assertCan } from '../tenancy/abilities.js';
import { Auth, AuthGuard } from '../tenancy/auth.guard.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { checkUpload, UPLOAD_LIMITS, type UploadKind } from './upload-policy.js';
import { MediaService } from './media.service.js';

/** Serves stored media with access control (signed URL or bearer token of the tenant). */
@ApiTags('media')
@Controller('api/v1/media')
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly tokens: TokensService,
  ) {}

  /**
   * Uploads a file to send (multipart field `file`, or the raw bytes with their content type and
   * `?filename=`): `201 {id, url, mimeType, size, filename, kind}`; `url` is the signed link to
   * pass as the `url` of a media message. 415 MEDIA_TYPE_NOT_ALLOWED, 413 MEDIA_TOO_LARGE.
   */
  @Post()
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data', 'application/octet-stream')
  @UseGuards(AuthGuard)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: UPLOAD_LIMITS.document + 1, files: 1 } }))
  async upload(
    @Auth() auth: AuthUser,
    @Req() req: Request,
    @Query('filename') filename: string | undefined,
    @UploadedFile() file: { buffer: Buffer; mimetype: string; originalname: string } | undefined,
  ): Promise<{ id: string; url: string; mimeType: string; size: number; filename: string | null; kind: UploadKind }> {
    assertCan(auth.role, 'create', 'Media');
    const data = file ? file.buffer : Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const name = (file ? Buffer.from(file.originalname, 'latin1').toString('utf8') : filename)?.replace(/[\\/\r\n"]/g, '_').slice(0, 255) || null;
    const { kind, mimeType } = checkUpload(file ? file.mimetype : req.headers['content-type'], data, this.media.maxBytes);
    const stored = await this.media.store(auth.tenantId, { data, mimeType, filename: name });
    return { id: stored.id, url: this.media.urlOf(auth.tenantId, stored.id), mimeType, size: stored.size, filename: stored.filename, kind };
  }

  /** The file's bytes with its content type; 404 without a valid signature or token. */
  @Get(':id')
  async get(@Param('id') id: string, @Query('sig') sig: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const header = req.headers.authorization;
    const tenantId = header?.startsWith('Bearer ') ? (await this.tokens.authenticate(header.slice(7))).tenantId : undefined;
    const { file, data } = await this.media.read(id, { sig, tenantId });
    res.setHeader('Cache-Control', 'private, max-age=86400');
    // ASCII fallback plus RFC 5987 UTF-8 name (a raw non-Latin-1 header value makes Node throw)
    if (file.filename) res.setHeader('Content-Disposition', `inline; filename="${file.filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.type(file.mimeType).send(data);
  }
}
