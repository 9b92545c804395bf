import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateStaffToken, hashSessionToken, SESSION_COOKIE, sessionShortId } from '../identity/sessions.js';
import { recordAudit } from '../platform/audit/auditLog.js';
import { AppError } from '../platform/http/errors.js';
import { authenticateConversationToken } from './access.js';
import { LiveHub, RIGHTS_CHANGED } from './liveHub.js';

const AUTH_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;
// Logout and revocation close sockets at once (a bus event); this re-check catches timeouts.
const SESSION_RECHECK_MS = 60_000;

/**
 * Browsers always send Origin on a WebSocket upgrade and do not apply SameSite rules to it, so a
 * cross-site page could otherwise open a console feed with the nurse's cookie.
 */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}

/**
 * WebSocket endpoints for live updates. Staff authenticate with their session cookie at the
 * upgrade; service users send their token in the first frame, so it never appears in a URL.
 */
async function live(app: FastifyInstance): Promise<void> {
  const hub = new LiveHub(app.deps, (err) => app.log.error({ err }, 'live update failed'));
  app.decorate('liveHub', hub);
  const unsubscribe = app.deps.bus.subscribe((event) => hub.dispatch(event));
  const alive = new WeakSet<object>();
  const heartbeat = setInterval(() => {
    for (const client of app.websocketServer.clients) {
      if (!alive.has(client)) {
        client.terminate();
        continue;
      }
      alive.delete(client);
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    unsubscribe();
    await hub.idle();
    hub.closeAll(1001, 'server shutting down');
  });

  app.get('/api/staff/live', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const staff = request.staff;
    if (!sameOrigin(request.headers.origin, request.headers.host)) {
      socket.close(4403, 'cross-origin');
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!staff || !token) {
      socket.close(4401, 'sign in');
      return;
    }
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    const sessionId = sessionShortId(hashSessionToken(token));
    const remove = hub.addStaff(socket, staff, sessionId);
    // The feed carries the content of every conversation in the member's services: one audit
    // entry per subscription (who, which session, from where) covers what it delivers.
    recordAudit(app.deps.db, {
      chain: staff.organisationId,
      actorKind: 'staff',
      actorId: staff.staffId,
      action: 'inbox.live_subscribe',
      targetKind: 'session',
      targetId: sessionId,
      ip: staff.ip,
    }).catch((err: unknown) => {
      app.log.error({ err }, 'could not audit a live subscription');
      socket.close(1011, 'audit unavailable');
    });
    const recheck = setInterval(() => {
      authenticateStaffToken(app.deps, token, staff.ip, { touch: false }).then(
        (still) => {
          if (!still) socket.close(4401, 'session ended');
          else if (!LiveHub.sameServices(staff, still)) socket.close(RIGHTS_CHANGED, 'rights changed');
        },
        (err: unknown) => app.log.warn({ err }, 'live session check failed'),
      );
    }, SESSION_RECHECK_MS);
    recheck.unref();
    socket.on('close', () => {
      clearInterval(recheck);
      remove();
    });
    // Staff sockets only listen; anything they send is ignored.
    socket.send(JSON.stringify({ type: 'ready' }));
  });

  app.get('/api/public/conversation/live', { websocket: true, schema: { hide: true } }, (socket) => {
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    let remove: (() => void) | null = null;
    const timer = setTimeout(() => socket.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      remove?.();
    });
    socket.once('message', (data) => {
      clearTimeout(timer);
      void (async () => {
        let token: unknown;
        try {
          token = (
            JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as { type?: unknown; token?: unknown }
          ).token;
        } catch {
          token = undefined;
        }
        try {
          const who = await authenticateConversationToken(app.deps, typeof token === 'string' ? token : undefined);
          if (socket.readyState !== socket.OPEN) return;
          remove = hub.addPublic(socket, who.conversationId);
          socket.send(JSON.stringify({ type: 'ready' }));
        } catch (err) {
          socket.close(4401, err instanceof AppError ? err.code : 'error');
        }
      })();
    });
  });
}

// Not encapsulated: the hub is decorated on the root instance so shutdown and tests can reach it.
export const liveRoutes = fp(live, { name: 'confide-live' });
