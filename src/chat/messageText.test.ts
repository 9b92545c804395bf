import { describe, expect, it } from 'vitest';
import { checkMessageText, checkShortText } from './messageText.js';

describe('message text rules', () => {
  it('keeps ordinary text, including < used as text', () => {
    expect(checkMessageText('  I <3 my school but a < b sometimes\r\nthanks ')).toBe(
      'I <3 my school but a < b sometimes\nthanks',
    );
  });
  it.each(['<b>hi</b>', 'hello <script>alert(1)</script>', '<!-- x -->', '</div>', '<img src=x onerror=alert(1)>'])(
    'refuses markup: %s',
    (t) => {
      expect(() => checkMessageText(t)).toThrow(/markup/);
    },
  );
  it('refuses empty, over-long and control-character text', () => {
    expect(() => checkMessageText('   ')).toThrow(/Write a message/);
    expect(() => checkMessageText('x'.repeat(4001))).toThrow(/4000/);
    expect(checkMessageText('x'.repeat(4000))).toHaveLength(4000);
    expect(() => checkMessageText('bell\u0007')).toThrow(/not allowed/);
    expect(() => checkMessageText('abc\u202Edef')).toThrow(/not allowed/);
  });
  it('short fields are one line', () => {
    expect(checkShortText(' Sam ', 'First name')).toBe('Sam');
    expect(() => checkShortText('Sam\nJones', 'First name')).toThrow(/one line/);
  });
});
