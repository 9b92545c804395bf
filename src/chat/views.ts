import type { Queryable } from '../platform/db/types.js';
import type { Deps } from '../platform/deps.js';
import { Conflict } from '../platform/http/errors.js';

export type MessageKind = 'message' | 'note' | 'auto_ack' | 'out_of_hours' | 'event';
export type AuthorKind = 'service_user' | 'staff' | 'system';

export type MessageRow = {
  id: string;
  conversation_id: string;
  seq: number;
  kind: MessageKind;
  author_kind: AuthorKind;
  author_staff_id: string | null;
  author_name_enc: unknown;
  body_enc: unknown;
  created_at: Date;
};

export const MESSAGE_SELECT = `SELECT m.id, m.conversation_id, m.seq, m.kind, m.author_kind, m.author_staff_id,
  st.name_enc AS author_name_enc, m.body_enc, m.created_at
  FROM messages m LEFT JOIN staff st ON st.id = m.author_staff_id`;

/** Kinds a service user ever sees. Notes and staff events never leave the staff side. */
export const PUBLIC_KINDS: readonly MessageKind[] = ['message', 'auto_ack', 'out_of_hours'];

export type StaffMessage = {
  id: string;
  seq: number;
  kind: MessageKind;
  from: AuthorKind;
  author: { id: string; name: string } | null;
  text: string;
  sentAt: string;
};

export type PublicMessage = {
  id: string;
  seq: number;
  from: 'you' | 'team' | 'system';
  kind: 'message' | 'auto_ack' | 'out_of_hours';
  authorName: string | null;
  text: string;
  sentAt: string;
};

export async function toStaffMessage(deps: Pick<Deps, 'keyring'>, r: MessageRow): Promise<StaffMessage> {
  return {
    id: r.id,
    seq: r.seq,
    kind: r.kind,
    from: r.author_kind,
    author: r.author_staff_id ? { id: r.author_staff_id, name: await deps.keyring.decrypt(r.author_name_enc) } : null,
    text: await deps.keyring.decrypt(r.body_enc),
    sentAt: new Date(r.created_at).toISOString(),
  };
}

export async function toPublicMessage(deps: Pick<Deps, 'keyring'>, r: MessageRow): Promise<PublicMessage | null> {
  if (r.kind !== 'message' && r.kind !== 'auto_ack' && r.kind !== 'out_of_hours') return null;
  return {
    id: r.id,
    seq: r.seq,
    from: r.author_kind === 'service_user' ? 'you' : r.author_kind === 'staff' ? 'team' : 'system',
    kind: r.kind,
    authorName: r.author_staff_id ? await deps.keyring.decrypt(r.author_name_enc) : null,
    text: await deps.keyring.decrypt(r.body_enc),
    sentAt: new Date(r.created_at).toISOString(),
  };
}

export async function loadMessages(
  q: Queryable,
  conversationId: string,
  kinds?: readonly MessageKind[],
): Promise<MessageRow[]> {
  const { rows } = kinds
    ? await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.kind = ANY($2) ORDER BY m.seq`, [
        conversationId,
        kinds,
      ])
    : await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.conversation_id = $1 ORDER BY m.seq`, [conversationId]);
  return rows;
}

export async function loadMessage(q: Queryable, messageId: string): Promise<MessageRow | null> {
  const { rows } = await q.query<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = $1`, [messageId]);
  return rows[0] ?? null;
}

/**
 * The message an earlier request with this clientRef created, for answering a retry; a reference
 * reused for different text (or, where given, a different kind) is refused.
 */
export async function findMessageByClientRef(
  deps: Pick<Deps, 'db' | 'keyring'>,
  conversationId: string,
  clientRef: string,
  expected: { text: string; kind?: MessageKind },
): Promise<MessageRow | null> {
  const { rows } = await deps.db.query<MessageRow>(
    `${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.client_ref = $2`,
    [conversationId, clientRef],
  );
  const prior = rows[0];
  if (!prior) return null;
  const sameKind = expected.kind === undefined || prior.kind === expected.kind;
  if (!sameKind || (await deps.keyring.decrypt(prior.body_enc)) !== expected.text) {
    throw new Conflict('That reference was already used for a different message.', 'client_ref_reused');
  }
  return prior;
}
