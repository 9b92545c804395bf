import type { QueryClient } from '@tanstack/react-query';
import type { ConversationDetail, ConversationSummary, StaffMessage } from '../shared/api/types.js';
import { parseView, sortForView, upsertIntoView, withIncomingMessage } from './inbox/inboxViews.js';
import { staffKeys } from './staffApi.js';

type Inbox = { conversations: ConversationSummary[] };

function eachInbox(
  qc: QueryClient,
  fn: (view: ReturnType<typeof parseView>, serviceId: string | null, data: Inbox) => Inbox,
) {
  for (const [key, data] of qc.getQueriesData<Inbox>({ queryKey: staffKeys.inboxes })) {
    if (!data) continue;
    const view = parseView(typeof key[2] === 'string' ? key[2] : null);
    const serviceId = typeof key[3] === 'string' && key[3] !== 'all' ? key[3] : null;
    qc.setQueryData<Inbox>(key, fn(view, serviceId, data));
  }
}

/** Whether any loaded inbox or transcript already shows this conversation. */
export function isKnown(qc: QueryClient, id: string): boolean {
  if (qc.getQueryData(staffKeys.detail(id))) return true;
  return qc
    .getQueriesData<Inbox>({ queryKey: staffKeys.inboxes })
    .some(([, data]) => data?.conversations.some((c) => c.id === id));
}

/** A new or changed conversation (from the live socket or an action's answer) updates every view. */
export function applySummary(qc: QueryClient, c: ConversationSummary, meId: string): void {
  eachInbox(qc, (view, serviceId, data) => ({
    conversations: upsertIntoView(data.conversations, c, view, serviceId, meId),
  }));
  qc.setQueryData<ConversationDetail>(staffKeys.detail(c.id), (d) => (d ? { ...d, ...c } : d));
}

export function withMessage(d: ConversationDetail, message: StaffMessage): ConversationDetail {
  const exists = d.messages.some((m) => m.id === message.id);
  const messages = [...d.messages.filter((m) => m.id !== message.id), message].sort((a, b) => a.seq - b.seq);
  return exists ? { ...d, messages } : { ...withIncomingMessage(d, message), messages };
}

/** A message in a conversation: appended to its transcript, unread bumped in the inbox rows. */
export function applyMessage(qc: QueryClient, conversationId: string, message: StaffMessage): void {
  const detail = qc.getQueryData<ConversationDetail>(staffKeys.detail(conversationId));
  if (detail?.messages.some((m) => m.id === message.id)) return;
  if (detail) qc.setQueryData<ConversationDetail>(staffKeys.detail(conversationId), withMessage(detail, message));
  eachInbox(qc, (view, _serviceId, data) => ({
    conversations: sortForView(
      view,
      data.conversations.map((c) => (c.id === conversationId ? withIncomingMessage(c, message) : c)),
    ),
  }));
}

/** After POST …/read: nothing is unread for this member any more. */
export function applyRead(qc: QueryClient, conversationId: string): void {
  qc.setQueryData<ConversationDetail>(staffKeys.detail(conversationId), (d) => (d ? { ...d, unreadCount: 0 } : d));
  eachInbox(qc, (_view, _serviceId, data) => ({
    conversations: data.conversations.map((c) => (c.id === conversationId ? { ...c, unreadCount: 0 } : c)),
  }));
}
