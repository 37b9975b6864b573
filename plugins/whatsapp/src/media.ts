/**
 * Inbound media download (Meta …/business-phone-numbers/media; LIMITS.md "Media").
 *
 * 1. `GET {graph}/{mediaId}` (Bearer) → `{"url","mime_type","sha256","file_size","id",
 *    "messaging_product":"whatsapp"}` (fixtures `media_retrieve_url_response__pywa_docstring.json`,
 *    `media_retrieve_url_response_syntax__meta_docs.json`). The URL is valid for 5 minutes.
 * 2. `GET url` with the same Bearer header → the bytes. A 404 means the URL expired: fetch a
 *    fresh URL once and retry.
 */
import { ChannelError, type ChannelContext, type DownloadedMedia } from '@parley/sdk';
import { graphBaseUrl, type WhatsAppConfig } from './config.js';
import { mapGraphError, mapNetworkError } from './errors.js';
import { graphFetch, graphJson, readBody } from './graph.js';

/** Media URL answer of `GET /{mediaId}`. */
export interface MediaUrlInfo {
  url: string;
  mimeType?: string;
  size?: number;
}

/** Looks up the short-lived download URL of a media id. */
export async function retrieveMediaUrl(ctx: ChannelContext<WhatsAppConfig>, mediaId: string): Promise<MediaUrlInfo> {
  const answer = await graphJson(ctx, {
    method: 'GET',
    url: `${graphBaseUrl(ctx)}/${encodeURIComponent(mediaId)}`,
    accessToken: ctx.config.accessToken,
    what: 'retrieve media URL',
  });
  if (typeof answer.url !== 'string' || !/^https?:\/\//i.test(answer.url)) {
    throw new ChannelError('PERMANENT', `Media ${mediaId}: the Graph API returned no download URL`);
  }
  const info: MediaUrlInfo = { url: answer.url };
  if (typeof answer.mime_type === 'string') info.mimeType = answer.mime_type;
  const size = Number(answer.file_size);
  if (answer.file_size !== undefined && Number.isFinite(size)) info.size = size;
  return info;
}

/** `filename` of a `Content-Disposition` header, when given. */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || undefined;
}

/** Downloads a media file by WhatsApp media id (one retry with a fresh URL after a 404). */
export async function downloadMedia(ctx: ChannelContext<WhatsAppConfig>, mediaId: string): Promise<DownloadedMedia> {
  for (let attempt = 1; ; attempt++) {
    const info = await retrieveMediaUrl(ctx, mediaId);
    const response = await graphFetch(ctx, { method: 'GET', url: info.url, accessToken: ctx.config.accessToken, what: 'download media' });
    if (response.status === 404 && attempt === 1) {
      await response.body?.cancel().catch(() => undefined);
      continue;
    }
    if (!response.ok) throw mapGraphError(response.status, await readBody(response, 'download media'));
    let data: Buffer;
    try {
      data = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      throw mapNetworkError(err, 'download media');
    }
    const mimeType = info.mimeType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? 'application/octet-stream';
    const result: DownloadedMedia = { data, mimeType };
    const filename = filenameFromDisposition(response.headers.get('content-disposition'));
    if (filename) result.filename = filename;
    return result;
  }
}
