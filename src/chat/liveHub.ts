import type { WebSocket } from 'ws';
import type { StaffContext } from '../identity/staffContext.js';
import { hasServiceRole } from '../identity/staffContext.js';
import type { LiveEvent, SessionsEndedEvent } from '../platform/bus/bus.js';
import type { Deps } from '../platform/deps.js';
import { FRESH_MESSAGE_TTL_MS, messageCacheKey } from './publish.js';
import { SUMMARY_COLUMNS, toSummary, unreadCountSql, type SummaryRow } from './summaries.js';
import { loadMessage, toPublicMessage, toStaffMessage } from './views.js';

type StaffSocket = { socket: WebSocket; staff: StaffContext; sessionId: string };
type PublicSocket = { socket: WebSocket; conversationId: string };

/** Close code telling a console to reconnect at once: its rights changed. */
export const RIGHTS_CHANGED = 4000;

// A socket this far behind is not reading; dropping it protects the node's memory.
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * The sockets connected to this node, indexed by what they may hear about. Each bus event is
 * loaded from the database once per node and then sent to every entitled socket. Events for one
 * conversation are handled strictly in order, so messages arrive in sequence.
 */
export class LiveHub {
  private readonly staffByService = new Map<string, Set<StaffSocket>>();
  private readonly staffByMember = new Map<string, Set<StaffSocket>>();
  private readonly publicByConversation = new Map<string, Set<PublicSocket>>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: Deps,
    private readonly onError: (err: unknown) => void,
  ) {}

  addStaff(socket: WebSocket, staff: StaffContext, sessionId: string): () => void {
    const entry = { socket, staff, sessionId };
    const services = [...staff.roles.keys()].filter((id) => hasServiceRole(staff, id, 'clinician'));
    for (const id of services) getOrAdd(this.staffByService, id).add(entry);
    getOrAdd(this.staffByMember, staff.staffId).add(entry);
    return () => {
      for (const id of services) removeFrom(this.staffByService, id, entry);
      removeFrom(this.staffByMember, staff.staffId, entry);
    };
  }

  /**
   * A session ended anywhere: its consoles stop hearing at once (4401: sign in again). Rights
   * changed: the consoles are closed with 4000 so they reconnect and are subscribed afresh.
   */
  private endSessions(event: SessionsEndedEvent): void {
    for (const s of [...(this.staffByMember.get(event.staffId) ?? [])]) {
      if (event.type === 'staff.rights_changed') s.socket.close(RIGHTS_CHANGED, 'rights changed');
      else if (event.sessionId === undefined || s.sessionId === event.sessionId) s.socket.close(4401, 'session ended');
    }
  }

  /** Whether a socket's subscriptions still match the member's current services. */
  static sameServices(a: StaffContext, b: StaffContext): boolean {
    const services = (s: StaffContext) =>
      [...s.roles.keys()]
        .filter((id) => hasServiceRole(s, id, 'clinician'))
        .sort()
        .join(',');
    return services(a) === services(b);
  }

  addPublic(socket: WebSocket, conversationId: string): () => void {
    const entry = { socket, conversationId };
    getOrAdd(this.publicByConversation, conversationId).add(entry);
    return () => removeFrom(this.publicByConversation, conversationId, entry);
  }

  dispatch(event: LiveEvent | SessionsEndedEvent): void {
    if (event.type === 'staff.sessions_ended' || event.type === 'staff.rights_changed') {
      this.endSessions(event);
      return;
    }
    const key = event.conversationId;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.handle(event))
      .catch(this.onError)
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      });
    this.queues.set(key, next);
  }

  /** Waits for every queued event to be sent: used at shutdown and by tests. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private async handle(event: LiveEvent): Promise<void> {
    try {
      await this.deliver(event);
    } finally {
      // This node hears each of its own messages once; the row handed over for it is done with.
      if (event.type === 'message.created') this.deps.cache.delete(messageCacheKey(event.messageId));
    }
  }

  private async deliver(event: LiveEvent): Promise<void> {
    const staffSockets = this.staffByService.get(event.serviceId);
    const publicSockets = this.publicByConversation.get(event.conversationId);
    if (!staffSockets?.size && !publicSockets?.size) return;
    switch (event.type) {
      case 'message.created': {
        const row = await this.deps.cache.get(messageCacheKey(event.messageId), FRESH_MESSAGE_TTL_MS, () =>
          loadMessage(this.deps.db, event.messageId),
        );
        if (!row) return;
        if (staffSockets?.size) {
          const frame = JSON.stringify({
            type: 'message',
            conversationId: event.conversationId,
            message: await toStaffMessage(this.deps, row),
          });
          for (const s of staffSockets) send(s.socket, frame);
        }
        const pub = publicSockets?.size ? await toPublicMessage(this.deps, row) : null;
        if (pub) {
          const frame = JSON.stringify({ type: 'message', message: pub });
          for (const s of publicSockets!) send(s.socket, frame);
        }
        return;
      }
      case 'conversation.changed': {
        if (staffSockets?.size) await this.sendSummaries(event.conversationId, event.serviceId, [...staffSockets]);
        if (publicSockets?.size && event.status) {
          const frame = JSON.stringify({ type: 'conversation', status: event.status });
          for (const s of publicSockets) send(s.socket, frame);
        }
        return;
      }
    }
  }

  /** One query gives the summary with each connected member's own unread count. */
  private async sendSummaries(conversationId: string, serviceId: string, sockets: StaffSocket[]): Promise<void> {
    const staffIds = [...new Set(sockets.map((s) => s.staff.staffId))];
    const { rows } = await this.deps.db.query<SummaryRow & { viewer: string }>(
      `SELECT v.viewer, ${SUMMARY_COLUMNS}, ${unreadCountSql('v.viewer')} AS unread_count
       FROM unnest($2::uuid[]) AS v(viewer)
       CROSS JOIN conversations c JOIN services s ON s.id = c.service_id LEFT JOIN staff a ON a.id = c.assigned_to
       WHERE c.id = $1`,
      [conversationId, staffIds],
    );
    // Gone to another service: the sending team's consoles get nothing more about it.
    if (!rows[0] || rows[0].service_id !== serviceId) return;
    const summary = await toSummary(this.deps, rows[0]);
    const unread = new Map(rows.map((r) => [r.viewer, Number(r.unread_count)]));
    for (const s of sockets) {
      send(
        s.socket,
        JSON.stringify({
          type: 'conversation',
          conversation: { ...summary, unreadCount: unread.get(s.staff.staffId) ?? 0 },
        }),
      );
    }
  }

  closeAll(code: number, reason: string): void {
    for (const set of [...this.staffByService.values(), ...this.publicByConversation.values()]) {
      for (const s of set) s.socket.close(code, reason);
    }
  }
}

function send(socket: WebSocket, frame: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(1013, 'too slow');
    return;
  }
  socket.send(frame);
}

function getOrAdd<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
