import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';

/**
 * A local server speaking the GOV.UK Notify API (v2) for tests: it checks each request's JWT
 * (HS256 under the API key's secret, `iss` the service id, `iat` within 30 seconds, as Notify
 * does), keeps what was sent, answers lookups by reference, and can be told to fail.
 */
export type SentNotification = {
  id: string;
  type: 'sms' | 'email';
  templateId: string;
  to: string;
  personalisation: Record<string, string>;
  reference: string | null;
};

export type TestNotify = {
  baseUrl: string;
  apiKey: string;
  sent: SentNotification[];
  /** Answer the next sends with this status instead of 201 (null: behave). */
  failWith: number | null;
  /** Hold each send this long before answering, to widen race windows in tests. */
  delayMs: number;
  close(): Promise<void>;
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString();
  return body;
}

export async function startNotifyService(): Promise<TestNotify> {
  const serviceId = randomUUID();
  const secret = randomUUID();
  const state: Omit<TestNotify, 'baseUrl' | 'close'> = {
    apiKey: `confide_test-${serviceId}-${secret}`,
    sent: [],
    failWith: null,
    delayMs: 0,
  };
  const authorised = async (req: IncomingMessage): Promise<boolean> => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
        algorithms: ['HS256'],
        issuer: serviceId,
      });
      return typeof payload.iat === 'number' && Math.abs(Date.now() / 1000 - payload.iat) <= 30;
    } catch {
      return false;
    }
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (!(await authorised(req)))
        return json(res, 403, { errors: [{ error: 'AuthError', message: 'Invalid token' }] });
      const url = new URL(req.url ?? '/', 'http://notify.local');
      const send = /^\/v2\/notifications\/(sms|email)$/.exec(url.pathname);
      if (req.method === 'POST' && send) {
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.failWith !== null)
          return json(res, state.failWith, { errors: [{ error: 'Failure', message: 'failed' }] });
        const n: SentNotification = {
          id: randomUUID(),
          type: send[1] as 'sms' | 'email',
          templateId: String(body.template_id),
          to: String(body.phone_number ?? body.email_address),
          personalisation: (body.personalisation ?? {}) as Record<string, string>,
          reference: typeof body.reference === 'string' ? body.reference : null,
        };
        state.sent.push(n);
        return json(res, 201, {
          id: n.id,
          reference: n.reference,
          uri: `/v2/notifications/${n.id}`,
          template: { id: n.templateId },
        });
      }
      if (req.method === 'GET' && url.pathname === '/v2/notifications') {
        const reference = url.searchParams.get('reference');
        const found = state.sent.filter((n) => reference === null || n.reference === reference);
        return json(res, 200, {
          notifications: found.map((n) => ({ id: n.id, reference: n.reference, type: n.type, status: 'created' })),
          links: {},
        });
      }
      return json(res, 404, { errors: [{ error: 'NotFound', message: 'Not found' }] });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = state as TestNotify;
  t.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.close = () => new Promise<void>((r) => server.close(() => r()));
  return t;
}
