/**
 * User profiles and file downloads.
 *
 * Profile (Messenger User Profile API; Instagram User Profile API through the page token):
 * - Messenger `GET {graph}/{PSID}?fields=first_name,last_name,profile_pic` →
 *   `{"first_name":"Peter","last_name":"Chang","profile_pic":"https://…","id":"<PSID>"}`
 * - Instagram `GET {graph}/{IGSID}?fields=name,username,profile_pic` →
 *   `{"name":"Peter Chang","username":"peter_chang_live","profile_pic":"https://…","id":"<IGSID>"}`
 * `profile_pic` URLs expire (signed CDN URLs), so the picture is returned as
 * `avatar.providerMediaId = <url>`: the host downloads it with `downloadMedia` and serves it
 * from its own storage. Profiles Meta refuses to show (privacy settings, no consent: code 100 /
 * 230 / permission errors) give null rather than an error; temporary failures throw (retried).
 *
 * Download: attachment and profile-picture URLs are signed CDN links (`lookaside.fbsbx.com`,
 * `scontent…fbcdn.net`, `…cdninstagram.com`); they need no token, so none is sent.
 */
import { ChannelError, type ChannelContext, type ChannelProfile, type DownloadedMedia } from '@parley/sdk';
import { graphBaseUrl, type MessengerConfig } from './config.js';
import { mapGraphError } from './errors.js';
import { graphFetch, graphJson, readBody } from './graph.js';
import type { SendFlavour } from './send.js';

/** Profile fields per channel type. */
export const PROFILE_FIELDS: Record<SendFlavour, string> = {
  messenger: 'first_name,last_name,profile_pic',
  instagram: 'name,username,profile_pic',
};

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Name, username and picture of a customer; null when Meta will not show the profile. */
export async function getProfile(ctx: ChannelContext<MessengerConfig>, userId: string, flavour: SendFlavour): Promise<ChannelProfile | null> {
  let answer: Record<string, unknown>;
  try {
    answer = await graphJson(ctx, {
      method: 'GET',
      url: `${graphBaseUrl(ctx)}/${encodeURIComponent(userId)}?fields=${PROFILE_FIELDS[flavour]}`,
      accessToken: ctx.config.pageAccessToken,
      what: 'profile lookup',
    });
  } catch (err) {
    if (err instanceof ChannelError && !err.retryable && err.code !== 'INVALID_CREDENTIALS') {
      ctx.logger.info({ userId, providerCode: err.providerCode }, 'profile not available');
      return null;
    }
    throw err;
  }
  const username = flavour === 'instagram' ? text(answer.username) : null;
  const name = flavour === 'instagram' ? (text(answer.name) ?? username) : [text(answer.first_name), text(answer.last_name)].filter(Boolean).join(' ') || null;
  const picture = text(answer.profile_pic);
  const profile: ChannelProfile = { name, username };
  if (picture && /^https?:\/\//i.test(picture)) profile.avatar = { providerMediaId: picture };
  return profile;
}

/** `filename` of a `Content-Disposition` header, when given. */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      /* plain form below */
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim() || undefined;
}

/**
 * Downloads an attachment or picture by its CDN URL (the "provider media id" of this plugin).
 * A URL that is not http(s) → `INVALID_MESSAGE`; an expired link (403/404/410) → `PERMANENT`.
 */
export async function downloadMedia(ctx: ChannelContext<MessengerConfig>, url: string): Promise<DownloadedMedia> {
  if (!/^https?:\/\//i.test(url)) throw new ChannelError('INVALID_MESSAGE', 'This attachment has no download URL');
  const response = await graphFetch(ctx, { method: 'GET', url, what: 'download media' });
  if (!response.ok) {
    const body = await readBody(response, 'download media');
    if ([403, 404, 410].includes(response.status)) {
      throw new ChannelError('PERMANENT', `download media: the CDN link has expired or is not accessible (HTTP ${response.status})`, { providerCode: response.status });
    }
    throw mapGraphError(response.status, body, 'download media');
  }
  const data = Buffer.from(await response.arrayBuffer());
  const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
  const result: DownloadedMedia = { data, mimeType };
  const filename = filenameFromDisposition(response.headers.get('content-disposition'));
  if (filename) result.filename = filename;
  return result;
}
