/**
 * A lean JSON client on node:http with keep-alive. (Node 20's fetch is undici, but the `undici`
 * package is not installed, so its connection pool cannot be sized; http.Agent can.)
 */
import http from 'node:http';

export type HttpResult = { status: number; body: string; headers: http.IncomingHttpHeaders };

export function keepAliveAgent(maxSockets = 256): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
}

export type RequestOptions = {
  agent: http.Agent;
  headers?: Record<string, string>;
  /** Source address for the connection, e.g. 127.0.1.7 (any 127/8 address works on Linux loopback). */
  localAddress?: string;
  /** Read and return the body; without it the body is drained and discarded (cheaper). */
  readBody?: boolean;
  timeoutMs?: number;
};

/** POST (or GET without a body). Resolves with the status for any answer; rejects only on network errors. */
export function request(
  base: URL,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  opts: RequestOptions,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { ...opts.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers,
        agent: opts.agent,
        ...(opts.localAddress ? { localAddress: opts.localAddress, family: 4 } : {}),
      },
      (res) => {
        // Bodies of failures are always read, for the report.
        if (!opts.readBody && (res.statusCode ?? 0) < 300) {
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers }));
          res.on('error', reject);
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () =>
      req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 30_000} ms`)),
    );
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

export { mapLimit } from '../../src/testing/mapLimit.js';

/**
 * POST a body that is already serialised, so a benchmark can build its bodies before the clock
 * starts. Answers as `request` does: the status for any answer, rejection only on network errors.
 */
export function postBuffer(
  base: URL,
  path: string,
  payload: Buffer,
  opts: RequestOptions & { contentType: string },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path,
        headers: { ...opts.headers, 'content-type': opts.contentType, 'content-length': payload.length },
        agent: opts.agent,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (!opts.readBody && status < 300) {
          res.on('end', () => resolve({ status, body: '', headers: res.headers }));
          res.on('error', reject);
          res.resume();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    const timeoutMs = opts.timeoutMs ?? 30_000;
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
