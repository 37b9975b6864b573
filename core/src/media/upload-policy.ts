/**
 * What agents may upload for sending (`POST /api/v1/media`): allowed content types, the
 * message type each maps to, and per-type size limits (WhatsApp Cloud API limits, which are
 * the tightest of the shipped channels).
 */
import { AppError } from '../http/app-error.js';

export type UploadKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

const MB = 1024 * 1024;
export const UPLOAD_LIMITS: Record<UploadKind, number> = { image: 5 * MB, audio: 16 * MB, video: 16 * MB, document: 100 * MB, sticker: 500 * 1024 };

const TYPES: Record<string, UploadKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'sticker',
  'audio/aac': 'audio',
  'audio/amr': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/ogg': 'audio',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'application/pdf': 'document',
  'text/plain': 'document',
  'text/csv': 'document',
  'application/msword': 'document',
  'application/vnd.ms-excel': 'document',
  'application/vnd.ms-powerpoint': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
};

const MAGIC: Partial<Record<string, number[]>> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
};

/**
 * Checks an upload and returns its message kind and normalised content type.
 * @throws AppError MEDIA_TYPE_NOT_ALLOWED (415), MEDIA_TOO_LARGE (413), VALIDATION_FAILED (empty body).
 */
export function checkUpload(contentType: string | undefined, data: Buffer, maxBytes: number): { kind: UploadKind; mimeType: string } {
  const mimeType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const kind = TYPES[mimeType];
  if (!kind) throw new AppError('MEDIA_TYPE_NOT_ALLOWED', `Files of type "${mimeType || 'unknown'}" cannot be sent`, { mimeType, allowed: Object.keys(TYPES) });
  if (!data.length) throw new AppError('VALIDATION_FAILED', 'The file is empty', { issues: [{ path: 'file', message: 'empty' }] });
  const max = Math.min(UPLOAD_LIMITS[kind], maxBytes);
  if (data.length > max) throw new AppError('MEDIA_TOO_LARGE', `${kind} files may be at most ${max} bytes`, { size: data.length, max, kind });
  const magic = MAGIC[mimeType];
  if (magic && !magic.every((b, i) => data[i] === b)) {
    throw new AppError('MEDIA_TYPE_NOT_ALLOWED', `The file's content is not ${mimeType}`, { mimeType });
  }
  return { kind, mimeType };
}
