import { connect, JSONCodec, type NatsConnection } from 'nats';

/**
 * Live-update events fan out to every node so a WebSocket on any node hears about a change made
 * on another. Events carry ids only; each node loads what its sockets are entitled to see.
 */
export type LiveEvent =
  | { type: 'message.created'; organisationId: string; serviceId: string; conversationId: string; messageId: string }
  | {
      type: 'conversation.changed';
      organisationId: string;
      serviceId: string;
      conversationId: string;
      /** Present only when the conversation opened or closed. */
      status?: 'open' | 'closed';
    };

/** Sessions that ended (logout, revocation, a disabled account): every node closes their live sockets. */
export type SessionsEndedEvent =
  | {
      type: 'staff.sessions_ended';
      staffId: string;
      /** One session's short id; absent means every session of the member. */
      sessionId?: string;
    }
  /** A member's services or roles changed: their consoles reconnect and get the new rights. */
  | { type: 'staff.rights_changed'; staffId: string };

export interface Bus {
  publish(event: LiveEvent | SessionsEndedEvent): void;
  subscribe(handler: (event: LiveEvent | SessionsEndedEvent) => void): () => void;
  close(): Promise<void>;
}

export function inProcessBus(): Bus {
  const handlers = new Set<(e: LiveEvent | SessionsEndedEvent) => void>();
  return {
    publish(event) {
      // Deliver after the current tick, as a network bus would, so publishers never depend on
      // subscribers running synchronously inside their request.
      queueMicrotask(() => {
        for (const h of handlers) h(event);
      });
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}

const SUBJECT = 'confide.live';

export async function natsBus(url: string, onError: (err: unknown) => void): Promise<Bus> {
  const nc: NatsConnection = await connect({ servers: url, name: 'confide' });
  const codec = JSONCodec<LiveEvent | SessionsEndedEvent>();
  const handlers = new Set<(e: LiveEvent | SessionsEndedEvent) => void>();
  const sub = nc.subscribe(SUBJECT);
  void (async () => {
    for await (const msg of sub) {
      let event: LiveEvent | SessionsEndedEvent;
      try {
        event = codec.decode(msg.data);
      } catch (err) {
        onError(err);
        continue;
      }
      for (const h of handlers) h(event);
    }
  })();
  return {
    publish(event) {
      nc.publish(SUBJECT, codec.encode(event));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await nc.drain();
    },
  };
}
