import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from './addressGuard.js';

const TIMEOUT_MS = 10_000;

/**
 * POSTs one callback and resolves with the HTTP status, or rejects on a network error, a refused
 * address or the timeout. Redirects are not followed (a 3xx is a failure): a redirect could lead
 * anywhere, including past the address guard.
 */
export function postCallback(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { allowPrivate: boolean },
): Promise<number> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(opts),
        timeout: TIMEOUT_MS,
      },
      (res) => {
        // The receiver's answer is not needed; reading it frees the socket.
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('callback timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
