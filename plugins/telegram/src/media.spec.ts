/**
 * getProfile and downloadMedia against a stub fetch answering with the fixtures
 * (object_user_profile_photos, response_getFile); over real HTTP in channel.spec.ts.
 */
import { makeChannelContext } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../../testing/fixtures.js';
import type { TelegramConfig } from './config.js';
import { downloadMedia, getProfile, mimeTypeOfPath, profilePhotosParams } from './media.js';

const fixture = (file: string) => readFixtureJson('telegram', file);
const TOKEN = '1111:AAH_token';
const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);

function stub() {
  const calls: { url: string; body: any }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input);
    calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null });
    if (url.endsWith('/getUserProfilePhotos')) return Response.json({ ok: true, result: fixture('object_user_profile_photos__pytelegrambotapi.json') });
    if (url.endsWith('/getFile')) return Response.json(fixture('response_getFile__assembled_from_bot_api_docs.json'));
    if (url.includes('/file/bot')) return new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    return Response.json({ ok: false, error_code: 404, description: 'Not Found' }, { status: 404 });
  };
  const ctx = makeChannelContext<TelegramConfig>({ botToken: TOKEN }, { setting: (n) => (n === 'TELEGRAM_API_URL' ? 'https://tg.test' : undefined), fetch: fetchImpl, logger: console });
  return { calls, ctx };
}

describe('getProfile', () => {
  it('names the largest size of the newest photo as avatar.providerMediaId, never a URL with the token', async () => {
    const { calls, ctx } = stub();
    const profile = await getProfile(ctx, '1111111');
    expect(profile).toEqual({ avatar: { providerMediaId: 'AgADAgADqacxG6wpRwABvEB6fpeIcKS4HAIkAAT50RvJCg0GQApVAAIC' } });
    expect(JSON.stringify(profile)).not.toContain(TOKEN);
    expect(calls).toEqual([{ url: `https://tg.test/bot${TOKEN}/getUserProfilePhotos`, body: fixture('request_getUserProfilePhotos__assembled_from_bot_api_docs.json') }]);
    expect(profilePhotosParams('1111111')).toEqual(fixture('request_getUserProfilePhotos__assembled_from_bot_api_docs.json'));
  });

  it('groups (negative ids) have no user profile: no call', async () => {
    const { calls, ctx } = stub();
    expect(await getProfile(ctx, '-1001319789908')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('no photo → null', async () => {
    const fetchImpl: typeof fetch = async () => Response.json({ ok: true, result: { total_count: 0, photos: [] } });
    expect(await getProfile(makeChannelContext<TelegramConfig>({ botToken: TOKEN }, { setting: () => undefined, fetch: fetchImpl, logger: console }), '5')).toBeNull();
  });
});

describe('downloadMedia', () => {
  it('getFile (request_getFile / response_getFile) then the file server', async () => {
    const { calls, ctx } = stub();
    const fileId = fixture('request_getFile__assembled_from_bot_api_docs.json').file_id;
    const file = await downloadMedia(ctx, fileId);
    expect(file).toEqual({ data: bytes, mimeType: 'image/jpeg', filename: 'file_0.jpg' });
    expect(calls.map((c) => c.url)).toEqual([`https://tg.test/bot${TOKEN}/getFile`, `https://tg.test/file/bot${TOKEN}/photos/file_0.jpg`]);
    expect(calls[0]!.body).toEqual(fixture('request_getFile__assembled_from_bot_api_docs.json'));
  });

  it('MIME types from the file extension', () => {
    expect(mimeTypeOfPath('voice/file_3.oga')).toBe('audio/ogg');
    expect(mimeTypeOfPath('stickers/file_1.tgs')).toBe('application/x-tgsticker');
    expect(mimeTypeOfPath('documents/file_2')).toBeUndefined();
  });
});
