import { describe, expect, it } from 'vitest';
import { checkUpload } from './upload-policy.js';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

describe('checkUpload', () => {
  it('maps allowed types to message kinds', () => {
    expect(checkUpload('image/png', png, 1e9)).toEqual({ kind: 'image', mimeType: 'image/png' });
    expect(checkUpload('application/pdf; charset=binary', Buffer.from('%PDF-1.4'), 1e9)).toEqual({ kind: 'document', mimeType: 'application/pdf' });
    expect(checkUpload('audio/ogg', Buffer.from('OggS'), 1e9).kind).toBe('audio');
  });
  it('refuses unknown types, lying content, empty and oversized files', () => {
    expect(() => checkUpload('text/html', Buffer.from('<p>'), 1e9)).toThrow(expect.objectContaining({ code: 'MEDIA_TYPE_NOT_ALLOWED' }));
    expect(() => checkUpload('image/png', Buffer.from('GIF89a'), 1e9)).toThrow(expect.objectContaining({ code: 'MEDIA_TYPE_NOT_ALLOWED' }));
    expect(() => checkUpload('image/png', Buffer.alloc(0), 1e9)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => checkUpload('image/png', Buffer.concat([png, Buffer.alloc(6 * 1024 * 1024)]), 1e9)).toThrow(expect.objectContaining({ code: 'MEDIA_TOO_LARGE' }));
    expect(() => checkUpload('image/png', png, 4)).toThrow(expect.objectContaining({ code: 'MEDIA_TOO_LARGE' }));
  });
});
