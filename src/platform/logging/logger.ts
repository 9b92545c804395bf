import type { LoggerOptions } from 'pino';
import type { Config } from '../../config.js';

/**
 * Redaction applies in every environment. Request/response bodies are never logged at all;
 * these paths catch credentials that might otherwise reach a log line through headers or errors.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.body',
  '*.message_text',
];

export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Only the route shape and ids: query strings may carry tokens or codes.
      req: (req: { method: string; url: string; id: string; routeOptions?: { url?: string } }) => ({
        id: req.id,
        method: req.method,
        route: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // Database errors carry the query's parameters (PGlite) or key values (PostgreSQL detail):
      // only the type, code, message and stack are kept.
      err: (err: Error & { code?: unknown }) => ({
        type: err.name,
        code: typeof err.code === 'string' ? err.code : undefined,
        message: err.message,
        stack: err.stack,
      }),
    },
  };
}
