import { ApiError, errorMessage } from '../shared/api/http.js';
import type { FieldError } from '../shared/layout/ErrorSummary.js';

/**
 * The administration API explains a refusal in one `message` made of whole sentences ("Name must
 * not be blank. Outcomes must not repeat an entry."), or, when the request failed its schema,
 * "Request is invalid: /name …; /outcomes/0 …". Each sentence becomes its own error-summary
 * item so every problem links to the field it is about.
 */
export function splitProblems(message: string): string[] {
  const schema = /^Request is invalid:\s*/.exec(message);
  if (schema) {
    return message
      .slice(schema[0].length)
      .split(/;\s+/)
      .map((p) => p.trim())
      .filter(Boolean);
  }
  return message
    .split(/(?<=\.)\s+(?=[A-Z])/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The first property name in a schema problem ("/ageRanges/0 must …" → "ageRanges"). */
export function schemaProperty(problem: string): string | null {
  return /^\/([A-Za-z]+)/.exec(problem)?.[1] ?? null;
}

/**
 * A failed request as error-summary items. `fieldFor` links a problem to a field id when it can;
 * a problem it does not recognise is still shown, linked to `fallbackField` if given.
 */
export function problemsFrom(
  err: unknown,
  fieldFor: (problem: string, err: ApiError) => string | undefined,
  fallbackField?: string,
): FieldError[] {
  if (!(err instanceof ApiError) || err.status === 0 || err.status >= 500) return [{ text: errorMessage(err) }];
  return splitProblems(err.message).map((text) => {
    const fieldId = fieldFor(text, err) ?? fallbackField;
    return fieldId ? { text, fieldId } : { text };
  });
}

/** The error text for one field, several problems joined. */
export function errorFor(errors: FieldError[], fieldId: string): string | undefined {
  const texts = errors.filter((e) => e.fieldId === fieldId).map((e) => e.text);
  return texts.length > 0 ? texts.join(' ') : undefined;
}
