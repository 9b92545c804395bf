import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

type Body = { code: string; message: string };

/** One place where every thrown error becomes a response; unknown errors become a plain 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      void reply
        .status(err.status)
        .headers(err.headers)
        .send({ code: err.code, message: err.message } satisfies Body);
      return;
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const detail = fe.validation
        .slice(0, 5)
        .map((v) => `${v.instancePath || '/'} ${v.message ?? 'is invalid'}`)
        .join('; ');
      void reply.status(400).send({ code: 'invalid', message: `Request is invalid: ${detail}` } satisfies Body);
      return;
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own client errors: body too large, bad JSON, unsupported media type…
      const code = (fe.code ?? 'bad_request').toLowerCase();
      void reply.status(fe.statusCode).send({ code, message: fe.message } satisfies Body);
      return;
    }
    request.log.error({ err }, 'unhandled error');
    void reply.status(500).send({ code: 'internal', message: 'Something went wrong.' } satisfies Body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'not_found', message: 'Not found.' } satisfies Body);
  });
}
