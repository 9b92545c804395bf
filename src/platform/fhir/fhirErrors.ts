import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../http/errors.js';
import { FhirError, issue, issueCodeForStatus, outcome } from './operationOutcome.js';

export const FHIR_JSON = 'application/fhir+json';

/**
 * The error handler of a FHIR plugin's routes: every error, including Fastify's own (bad JSON,
 * oversized body, wrong content type, rate limit), becomes an OperationOutcome with its status,
 * and an unknown error a plain 500 whose cause is only logged.
 */
export function installFhirErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    void reply.type(FHIR_JSON);
    if (err instanceof FhirError) {
      void reply.status(err.status).headers(err.headers).send(outcome(err.issues));
      return;
    }
    if (err instanceof AppError) {
      void reply
        .status(err.status)
        .headers(err.headers)
        .send(outcome([issue(issueCodeForStatus(err.status), err.message)]));
      return;
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const issues = fe.validation
        .slice(0, 10)
        .map((v) =>
          issue(
            'invalid',
            v.message ?? 'is invalid',
            v.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined,
          ),
        );
      void reply.status(400).send(outcome(issues));
      return;
    }
    if (
      fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      err instanceof SyntaxError
    ) {
      // The NHS App's own words for a body that is not JSON.
      void reply.status(400).send(outcome([issue('invalid', 'Invalid Json encountered.')]));
      return;
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      void reply.status(fe.statusCode).send(outcome([issue(issueCodeForStatus(fe.statusCode), fe.message)]));
      return;
    }
    request.log.error({ err }, 'unhandled error');
    void reply.status(500).send(outcome([issue('exception', 'Something went wrong.')]));
  });
}
