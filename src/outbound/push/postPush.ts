import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPublicAddress } from '../callbacks/addressGuard.js';

const TIMEOUT_MS = 10_000;
/** Sockets kept open per push service: as many as dispatch has sends in flight. */
export const MAX_SOCKETS = 64;

type Agents = { http: http.Agent; https: https.Agent };
const agents = new Map<boolean, Agents>();

/** Kept-alive connections to the push services, each checked by the address guard when opened. */
function agentsFor(allowLocal: boolean): Agents {
  let found = agents.get(allowLocal);
  if (!found) {
    const options = { keepAlive: true, maxSockets: MAX_SOCKETS, lookup: guardedLookup({ allowPrivate: allowLocal }) };
    found = { http: new http.Agent(options), https: new https.Agent(options) };
    agents.set(allowLocal, found);
  }
  return found;
}

/**
 * POSTs one push request and resolves with the push service's status, or null when there was no
 * answer (network error, timeout, or an address the guard refused). Redirects are not followed.
 */
export function postPush(
  endpoint: string,
  headers: Record<string, string | number>,
  body: Uint8Array,
  allowLocal: boolean,
): Promise<number | null> {
  let target: URL;
  try {
    target = new URL(endpoint);
  } catch {
    return Promise.resolve(null);
  }
  const secure = target.protocol === 'https:';
  if (!secure && !(allowLocal && target.protocol === 'http:')) return Promise.resolve(null);
  // An address literal never reaches the lookup, so the guard is applied to it here.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowLocal && isIP(host) !== 0 && !isPublicAddress(host)) return Promise.resolve(null);
  const pool = agentsFor(allowLocal);
  return new Promise((resolve) => {
    const req = (secure ? https : http).request(
      target,
      { method: 'POST', headers, agent: secure ? pool.https : pool.http, timeout: TIMEOUT_MS },
      (res) => {
        // The answer's body is not needed; reading it frees the socket for the next push.
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? null));
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy(new Error('push timed out')));
    req.on('error', () => resolve(null));
    req.end(body);
  });
}
