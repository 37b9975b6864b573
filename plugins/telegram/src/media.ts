/**
 * Files and profile photos (Bot API getFile, getUserProfilePhotos; LIMITS.md "getFile").
 *
 * Download: `getFile {file_id}` (fixture `request_getFile__assembled_from_bot_api_docs.json`) →
 * `{"file_id","file_unique_id","file_size","file_path":"photos/file_0.jpg"}` (fixture
 * `response_getFile__assembled_from_bot_api_docs.json`), then
 * `GET {TELEGRAM_API_URL}/file/bot<token>/<file_path>` (valid ≥ 1 hour; bots may download up to 20 MB).
 *
 * Profile photo: `getUserProfilePhotos {user_id, offset:0, limit:1}` (fixture
 * `request_getUserProfilePhotos__assembled_from_bot_api_docs.json`) → `{total_count, photos:[[PhotoSize…]]}`
 * (fixture `object_user_profile_photos__pytelegrambotapi.json`). The file URL contains the bot
 * token, so it is never handed out as an avatar URL: the profile names the largest size's
 * `file_id` as `avatar.providerMediaId` and the host stores the file through {@link downloadMedia}.
 */
import { ChannelError, type ChannelContext, type ChannelProfile, type DownloadedMedia } from '@parley/sdk';
import { botFetch, callBotApi, readBody } from './bot-api.js';
import { apiBaseUrl, type TelegramConfig } from './config.js';
import { mapBotApiError, mapNetworkError } from './errors.js';
import { idParam, idString } from './json.js';
import { largestPhoto } from './parse.js';

/** MIME types by file extension, for the file server's generic `application/octet-stream`. */
const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav',
  mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', tgs: 'application/x-tgsticker',
  pdf: 'application/pdf', txt: 'text/plain', zip: 'application/zip',
};

/** A MIME type for a file path, from its extension (undefined when unknown). */
export function mimeTypeOfPath(path: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext ? MIME_BY_EXTENSION[ext] : undefined;
}

/** The `getFile` result, as far as Parley reads it. */
interface TelegramFile {
  file_id?: string;
  file_size?: number;
  file_path?: string;
}

/** Looks up a file's `file_path` (`getFile`). */
export async function getFilePath(ctx: ChannelContext<TelegramConfig>, fileId: string): Promise<string> {
  const file = await callBotApi<TelegramFile>(ctx, ctx.config.botToken, 'getFile', { file_id: fileId }, 'download media (getFile)');
  const path = file?.file_path;
  if (typeof path !== 'string' || path === '' || path.split('/').some((p) => p === '..')) {
    throw new ChannelError('PERMANENT', `download media: Telegram returned no file_path for file ${fileId}`);
  }
  return path;
}

/** Downloads a file by `file_id`: `getFile`, then the file server. */
export async function downloadMedia(ctx: ChannelContext<TelegramConfig>, fileId: string): Promise<DownloadedMedia> {
  const token = ctx.config.botToken;
  const path = await getFilePath(ctx, fileId);
  const url = `${apiBaseUrl(ctx)}/file/bot${token}/${path.split('/').map(encodeURIComponent).join('/')}`;
  const response = await botFetch(ctx, url, { method: 'GET', token, what: 'download media' });
  if (!response.ok) throw mapBotApiError(response.status, await readBody(response, 'download media', token), 'download media');
  let data: Buffer;
  try {
    data = Buffer.from(await response.arrayBuffer());
  } catch (err) {
    throw mapNetworkError(err, 'download media', token);
  }
  const header = response.headers.get('content-type')?.split(';')[0]?.trim();
  const mimeType = (header && header !== 'application/octet-stream' ? header : undefined) ?? mimeTypeOfPath(path) ?? header ?? 'application/octet-stream';
  const filename = path.split('/').pop();
  return filename ? { data, mimeType, filename } : { data, mimeType };
}

/** The `getUserProfilePhotos` result, as far as Parley reads it. */
interface UserProfilePhotos {
  total_count?: number;
  photos?: unknown[][];
}

/** Body of the profile photo lookup: the newest photo only. */
export function profilePhotosParams(userId: string): Record<string, unknown> {
  return { user_id: idParam(userId), offset: 0, limit: 1 };
}

/**
 * A user's profile picture as `avatar.providerMediaId` (largest size of the newest photo).
 * Names come with every message, so only the picture is looked up. Null for group chats
 * (negative ids: not users) and users without a (visible) photo.
 */
export async function getProfile(ctx: ChannelContext<TelegramConfig>, externalId: string): Promise<ChannelProfile | null> {
  const userId = idString(externalId);
  if (!userId || userId.startsWith('-')) return null;
  const result = await callBotApi<UserProfilePhotos>(ctx, ctx.config.botToken, 'getUserProfilePhotos', profilePhotosParams(userId), 'profile (getUserProfilePhotos)');
  const newest = Array.isArray(result?.photos) ? result.photos[0] : undefined;
  const photo = Array.isArray(newest) ? largestPhoto(newest) : undefined;
  if (!photo || typeof photo.file_id !== 'string') return null;
  return { avatar: { providerMediaId: photo.file_id } };
}
