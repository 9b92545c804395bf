import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedCallback = { headers: IncomingHttpHeaders; body: string; status: number };

export type TestReceiver = { url: string; received: ReceivedCallback[]; server: Server };

/**
 * A real HTTP receiver on loopback for callback tests: it answers each callback with
 * `status(request)` and records the request with that answer, so a test can tell the callbacks a
 * receiver accepted from the ones it refused.
 */
export async function startReceiver(
  status: (request: Omit<ReceivedCallback, 'status'>) => number,
): Promise<TestReceiver> {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = status({ headers: req.headers, body });
      received.push({ headers: req.headers, body, status: answer });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/FHIR/R4/Task`, received, server };
}
