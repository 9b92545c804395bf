import { AppError } from '../http/errors.js';

/**
 * FHIR R4 OperationOutcome, as the NHS App API writes it: each issue has a severity, an issue type
 * code, `diagnostics` in words and, for a field, an `expression` naming it (e.g.
 * `payload[0].contentString`). Several problems with one request are reported together.
 */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'too-long'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'expired'
  | 'not-found'
  | 'not-supported'
  | 'duplicate'
  | 'conflict'
  | 'business-rule'
  | 'throttled'
  | 'transient'
  | 'processing'
  | 'exception';

export type Issue = {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: IssueCode;
  diagnostics: string;
  expression?: string[];
};

export type OperationOutcome = { resourceType: 'OperationOutcome'; issue: Issue[] };

export function outcome(issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function issue(code: IssueCode, diagnostics: string, expression?: string): Issue {
  return { severity: 'error', code, diagnostics, ...(expression ? { expression: [expression] } : {}) };
}

/** A FHIR route's error with its issues; the FHIR error handler answers it as an OperationOutcome. */
export class FhirError extends AppError {
  constructor(
    status: number,
    readonly issues: Issue[],
    headers: Record<string, string> = {},
  ) {
    super(status, issues[0]?.code ?? 'invalid', issues[0]?.diagnostics ?? 'Invalid request.', headers);
  }
}

/** The issue type code for an HTTP status of this API's error catalogue. */
export function issueCodeForStatus(status: number): IssueCode {
  switch (status) {
    case 401:
      return 'forbidden';
    case 403:
      return 'security';
    case 404:
      return 'not-found';
    case 409:
      return 'duplicate';
    case 413:
      return 'too-long';
    case 415:
      return 'not-supported';
    case 422:
      return 'business-rule';
    case 429:
      return 'throttled';
    case 503:
      return 'transient';
    default:
      return status >= 500 ? 'exception' : 'invalid';
  }
}
