import type { FieldError } from '../layout/ErrorSummary.js';
import { MAX_MESSAGE_LENGTH } from './MessageTextarea.js';
import { ApiError, errorMessage } from '../api/http.js';

/** The message rules the server enforces, checked first so the person is not kept waiting. */
export function validateMessage(text: string, fieldId: string): FieldError | null {
  if (text.trim().length === 0) return { fieldId, text: 'Enter your message' };
  if (text.trim().length > MAX_MESSAGE_LENGTH) {
    return { fieldId, text: `Your message must be ${MAX_MESSAGE_LENGTH.toLocaleString('en-GB')} characters or fewer` };
  }
  return null;
}

// The server's codes for a refused message text (src/chat/messageText.ts).
const MESSAGE_CODES = new Set(['markup_not_allowed', 'message_too_long', 'empty_message', 'invalid_characters']);

/** A server refusal as an error-summary item, pointing at the message box when it is about the text. */
export function serverError(err: unknown, messageFieldId: string): FieldError {
  if (err instanceof ApiError && MESSAGE_CODES.has(err.code)) return { fieldId: messageFieldId, text: err.message };
  return { text: errorMessage(err) };
}
