import { randomUUID } from 'node:crypto';
import { addWorkingHours, type ServiceCalendar } from '../platform/calendar/index.js';
import type { Queryable } from '../platform/db/types.js';
import type { AuthorKind, MessageKind } from './views.js';

export type NewMessage = {
  kind: MessageKind;
  authorKind: AuthorKind;
  authorStaffId?: string | null;
  /** Already sealed with the organisation's data key. */
  body: Buffer;
  clientRef?: string | null;
};

/**
 * Inserts messages with consecutive sequence numbers from firstSeq. The caller holds the
 * conversation row lock (it has just updated last_seq), so sequence numbers never collide.
 */
export async function insertMessages(
  q: Queryable,
  conversationId: string,
  firstSeq: number,
  at: Date,
  messages: NewMessage[],
): Promise<{ id: string; seq: number }[]> {
  const out: { id: string; seq: number }[] = [];
  for (const [i, m] of messages.entries()) {
    const id = randomUUID();
    const seq = firstSeq + i;
    await q.query(
      `INSERT INTO messages (id, conversation_id, seq, kind, author_kind, author_staff_id, body_enc, client_ref, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, conversationId, seq, m.kind, m.authorKind, m.authorStaffId ?? null, m.body, m.clientRef ?? null, at],
    );
    out.push({ id, seq });
  }
  return out;
}

/** When a reply is due under the service's target; null when the service never opens. */
export function responseDueAt(calendar: ServiceCalendar, from: Date, workingHours: number): Date | null {
  try {
    return addWorkingHours(calendar, from, workingHours);
  } catch {
    return null;
  }
}
