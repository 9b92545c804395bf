import type { FastifyRequest } from 'fastify';
import { AppError, Forbidden } from '../platform/http/errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method);
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * CSRF defence for cookie-authenticated writes (staff and patients alike): SameSite=Strict keeps
 * the cookie off cross-site requests in current browsers, and a cross-site HTML form cannot send
 * application/json (fetch would need a CORS preflight, which we never grant). Sec-Fetch-Site
 * catches what remains, including sibling subdomains, which SameSite treats as the same site.
 * The caller decides which requests carry a session cookie worth defending.
 */
export function refuseCrossSiteWrite(request: FastifyRequest): void {
  if (!isStateChanging(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new Forbidden('Requests from other sites are not accepted.', 'cross_site_request');
  }
  if (!isJson(request.headers['content-type'])) {
    throw new AppError(415, 'json_required', 'Send this request as JSON (Content-Type: application/json).');
  }
}
