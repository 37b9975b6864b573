import { describe, expect, it } from 'vitest';
import { toFlowMessage } from '../flow-message.js';
import { captureAnswer, chooseOption, parseDateAnswer } from './capture.js';

const text = (t: string) => toFlowMessage({ id: 'm1', type: 'text', text: t });
// Wednesday 1 January 2025, 23:30 UTC (already Thursday 2 January in Tokyo)
const now = Date.parse('2025-01-01T23:30:00Z');

describe('date answers', () => {
  it('accepts ISO, numeric (day first by default), written and relative dates', () => {
    expect(parseDateAnswer('2025-03-05', { now })).toBe('2025-03-05');
    expect(parseDateAnswer('05/03/2025', { now })).toBe('2025-03-05');
    expect(parseDateAnswer('05/03/2025', { now, dateOrder: 'MDY' })).toBe('2025-05-03');
    expect(parseDateAnswer('5.3.25', { now })).toBe('2025-03-05');
    expect(parseDateAnswer('5/3', { now })).toBe('2025-03-05');
    expect(parseDateAnswer('March 5th 2026', { now })).toBe('2026-03-05');
    expect(parseDateAnswer('on the 7th of February', { now })).toBe('2025-02-07');
    expect(parseDateAnswer('5 de marzo de 2025', { now })).toBe('2025-03-05');
    expect(parseDateAnswer('tomorrow', { now })).toBe('2025-01-02');
    expect(parseDateAnswer('tomorrow', { now, timezone: 'Asia/Tokyo' })).toBe('2025-01-03');
    expect(parseDateAnswer('today', { now, timezone: 'Asia/Tokyo' })).toBe('2025-01-02');
  });
  it('refuses text without a complete date and impossible dates', () => {
    for (const t of ['hello', '5', 'at 5pm', '31/04/2025', '2025-02-30', '', '13/13/2025']) expect(parseDateAnswer(t, { now }), t).toBeUndefined();
  });
});

describe('choice answers', () => {
  const options = [{ title: 'Red wine', value: 'red' }, { title: 'Café' }, { title: 'Water' }];
  it('matches by number, exact title, then case- and accent-insensitive title; stores the value', () => {
    expect(chooseOption(options, text('1'))?.value).toBe('red');
    expect(chooseOption(options, text('2.'))?.value).toBe('Café');
    expect(chooseOption(options, text('RED WINE'))?.value).toBe('red');
    expect(chooseOption(options, text('cafe'))?.value).toBe('Café');
    expect(chooseOption(options, text('4'))).toBeUndefined();
    expect(chooseOption(options, text('beer'))).toBeUndefined();
  });
  it('matches an interactive reply by id (the option value) or title', () => {
    const reply = toFlowMessage({ id: 'm2', type: 'interactive', text: 'Something', content: { replyType: 'button_reply', id: 'red', title: 'Something' } });
    expect(captureAnswer('choice', reply, { options })).toBe('red');
  });
});

describe('media, location and contact answers', () => {
  it('stores a reference to the media of the right type only', () => {
    const img = toFlowMessage({ id: 'm3', type: 'image', text: 'look', media: { providerMediaId: 'wa-1', mimeType: 'image/jpeg', caption: 'look', state: 'pending' } });
    expect(captureAnswer('image', img)).toEqual({ messageId: 'm3', fileId: null, url: null, providerMediaId: 'wa-1', mimeType: 'image/jpeg', caption: 'look', filename: null, size: null });
    expect(captureAnswer('document', img)).toBeUndefined();
    expect(captureAnswer('image', text('a picture'))).toBeUndefined();
    const doc = toFlowMessage({ id: 'm4', type: 'document', text: null, media: { fileId: 'f-9', mimeType: 'application/pdf', filename: 'a.pdf', size: 12 } });
    expect(captureAnswer('document', doc)).toMatchObject({ fileId: 'f-9', url: '/api/v1/media/f-9', filename: 'a.pdf', size: 12 });
  });
  it('reads the normalised location and the first contact card', () => {
    const loc = toFlowMessage({ id: 'm5', type: 'location', text: 'Philz', content: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee', address: '101 Forest Ave' } });
    expect(captureAnswer('location', loc)).toEqual({ latitude: 37.44, longitude: -122.16, name: 'Philz Coffee', address: '101 Forest Ave', url: null });
    expect(captureAnswer('location', toFlowMessage({ id: 'm6', type: 'location', text: null, content: { latitude: 200, longitude: 1 } }))).toBeUndefined();
    const card = { name: { formatted_name: 'John Smith', first_name: 'John' }, phones: [{ phone: '+1 (940) 555-1234', type: 'HOME' }], emails: [{ email: 'j@x.test' }] };
    const contacts = toFlowMessage({ id: 'm7', type: 'contacts', text: 'John Smith', content: { contacts: [card] } });
    expect(captureAnswer('contact', contacts)).toEqual({ name: 'John Smith', phones: ['+1 (940) 555-1234'], emails: ['j@x.test'] });
    expect(captureAnswer('contact', text('John'))).toBeUndefined();
  });
});
