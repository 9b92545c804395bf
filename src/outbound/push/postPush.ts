import { isIP } from 'node:net';
import { Agent } from 'undici';
import { guardedLookup, isPublicAddress } from '../callbacks/addressGuard.js';

const TIMEOUT_MS = 10_000;
/** Connections kept per push service: as many as dispatch has sends in flight. */
export const MAX_SOCKETS = 64;

const agents = new Map<boolean, Agent>();

/**
 * Kept-alive connections to the push services, each checked by the address guard when opened.
 * undici rather than node:http: measured here, node:http's client spent about 100 µs of CPU on
 * each push request and undici about 43, and the dispatcher's main thread is mostly that work.
 */
function agentFor(allowLocal: boolean): Agent {
  let found = agents.get(allowLocal);
  if (!found) {
    found = new Agent({
      connections: MAX_SOCKETS,
      connect: { lookup: guardedLookup({ allowPrivate: allowLocal }), timeout: TIMEOUT_MS },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    agents.set(allowLocal, found);
  }
  return found;
}

/**
 * POSTs one push request and resolves with the push service's status, or null when there was no
 * answer (network error, timeout, or an address the guard refused). Redirects are not followed.
 */
export async function postPush(
  endpoint: string,
  headers: Record<string, string>,
  body: Uint8Array,
  allowLocal: boolean,
): Promise<number | null> {
  let target: URL;
  try {
    target = new URL(endpoint);
  } catch {
    return null;
  }
  const secure = target.protocol === 'https:';
  if (!secure && !(allowLocal && target.protocol === 'http:')) return null;
  // An address literal never reaches the lookup, so the guard is applied to it here.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowLocal && isIP(host) !== 0 && !isPublicAddress(host)) return null;
  try {
    const res = await agentFor(allowLocal).request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers,
      body,
    });
    // The answer's body is not needed; reading it frees the connection for the next push.
    await res.body.dump();
    return res.statusCode;
  } catch {
    return null;
  }
}
