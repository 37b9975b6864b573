import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Database } from '../database/database.service.js';
import { newId } from '../database/ids.js';
import { AppError, notFound } from '../http/app-error.js';
import { MediaFileEntity } from './media.entity.js';

/**
 * Tenant-scoped file storage under `<DATA_DIR>/media/<tenantId>/<fileId>`. Files are served
 * at `/api/v1/media/<fileId>?sig=<hmac>`: the signature (HMAC-SHA256 of tenant and file id
 * with the JWT secret) lets `<img>` tags load files without a bearer header, and a bearer
 * token of the owning tenant works too.
 */
@Injectable()
export class MediaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
  ) {}

  /** Largest file `store` accepts (MEDIA_MAX_BYTES). */
  get maxBytes(): number {
    return this.config.mediaMaxBytes;
  }

  /** Stores bytes for a tenant. @throws AppError MEDIA_TOO_LARGE (413) above MEDIA_MAX_BYTES. */
  async store(tenantId: string, input: { data: Buffer; mimeType: string; filename?: string | null; messageId?: string | null }): Promise<MediaFileEntity> {
    if (input.data.length > this.config.mediaMaxBytes) {
      throw new AppError('MEDIA_TOO_LARGE', `File is larger than ${this.config.mediaMaxBytes} bytes`, { size: input.data.length, max: this.config.mediaMaxBytes });
    }
    const id = newId();
    const dir = join(this.config.dataDir, 'media', tenantId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, id), input.data);
    const row = Object.assign(new MediaFileEntity(), {
      id, tenantId, messageId: input.messageId ?? null, mimeType: input.mimeType, size: input.data.length,
      filename: input.filename ?? null, storageKey: `${tenantId}/${id}`, createdAt: Date.now(),
    });
    await this.db.transaction((m) => m.insert(MediaFileEntity, row));
    return row;
  }

  private signature(tenantId: string, fileId: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(`media:${tenantId}:${fileId}`).digest('base64url').slice(0, 32);
  }

  /** Parley's URL of a stored file (absolute, from PUBLIC_URL). */
  urlOf(tenantId: string, fileId: string): string {
    return `${this.config.publicUrl}/api/v1/media/${fileId}?sig=${this.signature(tenantId, fileId)}`;
  }

  /**
   * Reads a file if `sig` is valid or `tenantId` (from a bearer token) owns it.
   * @throws AppError NOT_FOUND otherwise (no hint whether it exists).
   */
  async read(fileId: string, access: { sig?: string; tenantId?: string }): Promise<{ file: MediaFileEntity; data: Buffer }> {
    const file = await this.db.manager.findOneBy(MediaFileEntity, { id: fileId });
    if (!file) throw notFound('Media', fileId);
    const ok =
      access.tenantId === file.tenantId ||
      (!!access.sig && access.sig.length === 32 && timingSafeEqual(Buffer.from(access.sig), Buffer.from(this.signature(file.tenantId, file.id))));
    if (!ok) throw notFound('Media', fileId);
    return { file, data: await readFile(join(this.config.dataDir, 'media', file.storageKey)) };
  }
}
