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

/** Whether a browser's Origin header names this site: its public URL, or the host it asked for. */
function isOwnOrigin(origin: string, publicUrl: string, host: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // 'null' (a sandboxed or opaque origin) among others
  }
  return url.origin === new URL(publicUrl).origin || (host !== undefined && url.host === host);
}

/**
 * The same defence for a write that needs no cookie, whose credential travels in the body (a push
 * display report and its tag). SameSite cannot keep such a request off other sites, so on top of
 * the checks above, an Origin header (browsers send one with every POST) must be this site's.
 */
export function refuseCrossSiteCookielessWrite(request: FastifyRequest, publicUrl: string): void {
  refuseCrossSiteWrite(request);
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, publicUrl, request.headers.host)) {
    throw new Forbidden('Requests from other sites are not accepted.', 'cross_site_request');
  }
}
