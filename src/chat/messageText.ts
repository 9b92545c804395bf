import { Invalid } from '../platform/http/errors.js';

export const MAX_MESSAGE_LENGTH = 4000;

// An HTML tag or comment: "<" followed by a letter, "/" or "!". "<3" and "a < b" are not markup.
const MARKUP = /<[a-zA-Z!/?]/;
// C0/C1 controls other than tab and newlines, and the bidirectional overrides used to disguise text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/**
 * Message text is plain text, shown as text everywhere. Markup is refused rather than escaped
 * so that what a clinician reads, what is exported to the record and what was sent are identical.
 */
export function checkMessageText(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n').trim();
  if (text.length === 0) throw new Invalid('Write a message.', 'empty_message');
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw new Invalid(`Message must be ${MAX_MESSAGE_LENGTH} characters or fewer.`, 'message_too_long');
  }
  if (MARKUP.test(text)) throw new Invalid('Messages cannot contain HTML or other markup.', 'markup_not_allowed');
  if (FORBIDDEN_CHARACTERS.test(text))
    throw new Invalid('Message contains characters that are not allowed.', 'invalid_characters');
  return text;
}

/** Short free-text fields (first name, school): same rules, one line, shorter. */
export function checkShortText(raw: string, field: string, max = 80): string {
  const text = raw.trim();
  if (text.length > max) throw new Invalid(`${field} must be ${max} characters or fewer.`);
  if (/[\n\r]/.test(text)) throw new Invalid(`${field} must be on one line.`);
  if (MARKUP.test(text) || FORBIDDEN_CHARACTERS.test(text)) {
    throw new Invalid(`${field} contains characters that are not allowed.`, 'markup_not_allowed');
  }
  return text;
}
