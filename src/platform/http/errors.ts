/**
 * The error catalogue. Services throw these; one handler (errorHandler.ts) turns them into
 * `{ code, message }` (or an OperationOutcome on FHIR routes). Messages are shown to callers,
 * so they never contain personal data.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends AppError {
  constructor(message: string, code = 'invalid') {
    super(400, code, message);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'Sign in to continue.', code = 'unauthenticated') {
    super(401, code, message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You do not have permission to do that.', code = 'forbidden') {
    super(403, code, message);
  }
}

/** Also used for records outside the caller's rights, so their existence is not revealed. */
export class NotFound extends AppError {
  constructor(what = 'Record', code = 'not_found') {
    super(404, code, `${what} not found.`);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class Unprocessable extends AppError {
  constructor(message: string, code = 'unprocessable') {
    super(422, code, message);
  }
}

/** The server is saturated; the client should retry shortly. */
export class ServiceUnavailable extends AppError {
  constructor(retryAfterSeconds = 1, message = 'The service is busy. Try again in a moment.') {
    super(503, 'busy', message, { 'retry-after': String(retryAfterSeconds) });
  }
}

export class TooManyRequests extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts. Try again later.') {
    super(429, 'too_many_requests', message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}
