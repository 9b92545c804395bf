import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64UrlToBytes } from './browserPush.js';

describe('base64UrlToBytes', () => {
  it('decodes unpadded base64url, as the VAPID public key is sent, to the same bytes', () => {
    for (const length of [65, 64, 63, 16, 1, 0]) {
      const bytes = randomBytes(length);
      expect(Buffer.from(base64UrlToBytes(bytes.toString('base64url')))).toEqual(bytes);
    }
  });

  it('takes the - and _ of base64url, and padding if any', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0xfe]);
    expect(bytes.toString('base64url')).toBe('-_-__g');
    expect(Array.from(base64UrlToBytes('-_-__g'))).toEqual(Array.from(bytes));
    expect(Array.from(base64UrlToBytes('-_-__g=='))).toEqual(Array.from(bytes));
  });
});
