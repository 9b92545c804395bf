import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';

/**
 * A local server speaking the GOV.UK Notify API (v2) for tests: it checks each request's JWT
 * (HS256 under the API key's secret, `iss` the service id, `iat` within 30 seconds, as Notify
 * does), keeps what was sent, answers lookups by reference and by id, and can be told to fail.
 * A test moves a notification along as Notify's providers would, with setStatus.
 */
export type SentNotification = {
  id: string;
  type: 'sms' | 'email';
  templateId: string;
  to: string;
  personalisation: Record<string, string>;
  reference: string | null;
  /** Notify's status for it: `created` when sent; unset reads as `created`. */
  status?: string;
};

/** Notify's statuses for text messages and emails (`sent` is an international text message). */
export type NotifyStatus =
  | 'created'
  | 'sending'
  | 'pending'
  | 'sent'
  | 'delivered'
  | 'permanent-failure'
  | 'temporary-failure'
  | 'technical-failure';

export type TestNotify = {
  baseUrl: string;
  apiKey: string;
  sent: SentNotification[];
  /** Answer the next sends with this status instead of 201 (null: behave). */
  failWith: number | null;
  /** Hold each send and each lookup by id this long before answering, to widen race windows in tests. */
  delayMs: number;
  /** Answer lookups by id (GET /v2/notifications/{id}) with this status instead (null: behave). */
  failLookupsWith: number | null;
  /** The ids asked about with GET /v2/notifications/{id}, in order. */
  lookups: string[];
  /** Moves a notification to a status, as a provider's delivery report would. */
  setStatus(id: string, status: NotifyStatus): void;
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
    failLookupsWith: null,
    lookups: [],
    setStatus(id, status) {
      const n = state.sent.find((s) => s.id === id);
      if (!n) throw new Error(`no notification ${id}`);
      n.status = status;
    },
  };
  /** A notification as GET answers it: as Notify's, with the recipient and the text in it. */
  const asFound = (n: SentNotification) => ({
    id: n.id,
    reference: n.reference,
    type: n.type,
    status: n.status ?? 'created',
    template: { id: n.templateId, version: 1, uri: `/v2/template/${n.templateId}` },
    body: `Template ${n.templateId} with ${JSON.stringify(n.personalisation)}`,
    ...(n.type === 'sms' ? { phone_number: n.to } : { email_address: n.to, subject: 'A message' }),
    created_at: new Date().toISOString(),
  });
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
        return json(res, 200, { notifications: found.map(asFound), links: {} });
      }
      const byId = /^\/v2\/notifications\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && byId) {
        const id = decodeURIComponent(byId[1]!);
        state.lookups.push(id);
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        if (state.failLookupsWith !== null)
          return json(res, state.failLookupsWith, { errors: [{ error: 'Failure', message: 'failed' }] });
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
          return json(res, 400, { errors: [{ error: 'ValidationError', message: 'id is not a valid UUID' }] });
        const n = state.sent.find((s) => s.id === id);
        if (!n) return json(res, 404, { errors: [{ error: 'NoResultFound', message: 'No result found' }] });
        return json(res, 200, asFound(n));
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
