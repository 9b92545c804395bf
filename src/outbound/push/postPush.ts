import { isIP } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
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
  /** The subscription's endpoint, parsed once by the caller (its origin is also the VAPID audience). */
  target: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  allowLocal: boolean,
): Promise<number | null> {
  const secure = target.protocol === 'https:';
  if (!secure && !(allowLocal && target.protocol === 'http:')) return null;
  // An address literal never reaches the lookup, so the guard is applied to it here.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowLocal && isIP(host) !== 0 && !isPublicAddress(host)) return null;
  return new Promise((resolve) => {
    try {
      agentFor(allowLocal).dispatch(
        { origin: target.origin, path: `${target.pathname}${target.search}`, method: 'POST', headers, body },
        new StatusOnly(resolve),
      );
    } catch {
      resolve(null);
    }
  });
}

/** More answer body than any push service sends: past it, the connection is dropped. */
const MAX_ANSWER_BYTES = 128 * 1024;

/**
 * undici's handler interface rather than request(): no response stream is made only to be
 * drained. The push is settled by the status line: what follows (a body, or its failure) cannot
 * change whether the push service took the push, and a slow or endless body holds no send of the
 * batch. A class, so a push makes one small object rather than a set of closures.
 */
class StatusOnly implements Dispatcher.DispatchHandler {
  private settled = false;
  private bytes = 0;
  constructor(private readonly done: (status: number | null) => void) {}
  // Its presence is what marks a handler as undici's current interface.
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.settle(statusCode);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > MAX_ANSWER_BYTES) controller.abort(new Error('push service answer too long'));
  }
  onResponseEnd(): void {
    this.settle(null);
  }
  onResponseError(): void {
    this.settle(null);
  }
  private settle(status: number | null): void {
    if (this.settled) return;
    this.settled = true;
    this.done(status);
  }
}
