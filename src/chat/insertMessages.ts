import { randomUUID } from 'node:crypto';
import { addWorkingHours, type ServiceCalendar } from '../platform/calendar/index.js';
import type { Queryable } from '../platform/db/types.js';
import type { AuthorKind, MessageKind, MessageRow } from './views.js';

export type NewMessage = {
  kind: MessageKind;
  authorKind: AuthorKind;
  authorStaffId?: string | null;
  /** Already sealed with the organisation's data key. */
  body: Buffer;
  clientRef?: string | null;
};

export type InsertedMessage = { id: string; seq: number; row?: MessageRow | undefined };

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
): Promise<InsertedMessage[]> {
  const out: InsertedMessage[] = [];
  for (const [i, m] of messages.entries()) {
    const id = randomUUID();
    const seq = firstSeq + i;
    await q.query(
      `INSERT INTO messages (id, conversation_id, seq, kind, author_kind, author_staff_id, body_enc, client_ref, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, conversationId, seq, m.kind, m.authorKind, m.authorStaffId ?? null, m.body, m.clientRef ?? null, at],
    );
    // The whole row, so this node's live hub need not read it back. Staff-authored rows also need
    // the author's sealed name, which the writer does not hold; the hub reads those.
    const row: MessageRow | undefined = m.authorStaffId
      ? undefined
      : {
          id,
          conversation_id: conversationId,
          seq,
          kind: m.kind,
          author_kind: m.authorKind,
          author_staff_id: null,
          author_name_enc: null,
          body_enc: m.body,
          created_at: at,
        };
    out.push({ id, seq, row });
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
