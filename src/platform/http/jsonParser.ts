import type { FastifyInstance } from 'fastify';
import { Invalid } from './errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies must be valid UTF-8: the default parser would silently replace bad bytes with
 * U+FFFD, storing text the sender never wrote. Prototype-poisoning protection stays Fastify's.
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // FHIR clients send application/fhir+json; it is the same JSON under the same rules.
  app.addContentTypeParser(
    ['application/json', 'application/fhir+json'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body as Buffer);
      } catch {
        done(new Invalid('Request body is not valid UTF-8.', 'invalid_utf8'), undefined);
        return;
      }
      void parseJson(request, text, done);
    },
  );
}
