import type { ConversationSummary, StaffMessage } from '../../shared/api/types.js';

export type InboxView = 'unassigned' | 'mine' | 'open' | 'closed';

export const INBOX_VIEWS: { id: InboxView; label: string }[] = [
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'mine', label: 'Mine' },
  { id: 'open', label: 'All open' },
  { id: 'closed', label: 'Closed' },
];

export function parseView(value: string | null): InboxView {
  return INBOX_VIEWS.find((v) => v.id === value)?.id ?? 'unassigned';
}

/** The same rule the server applies for `?view=`, so a live update can move a row between views. */
export function belongsTo(view: InboxView, serviceId: string | null, c: ConversationSummary, meId: string): boolean {
  if (serviceId && c.serviceId !== serviceId) return false;
  switch (view) {
    case 'unassigned':
      return c.status === 'open' && c.assignedTo === null;
    case 'mine':
      return c.status === 'open' && c.assignedTo?.id === meId;
    case 'open':
      return c.status === 'open';
    case 'closed':
      return c.status === 'closed';
  }
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/**
 * The server's order (src/chat/inbox.ts), so live updates put rows where a reload would. Open
 * views: the person waiting longest first; conversations nobody is waiting on (the team replied
 * last) go to the end. Closed: most recently closed first.
 */
export function compareFor(view: InboxView): (a: ConversationSummary, b: ConversationSummary) => number {
  switch (view) {
    case 'closed':
      return (a, b) => time(b.closedAt) - time(a.closedAt) || a.id.localeCompare(b.id);
    case 'unassigned':
      return (a, b) =>
        time(a.waitingSince) - time(b.waitingSince) ||
        Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
        a.id.localeCompare(b.id);
    case 'mine':
    case 'open':
      return (a, b) =>
        time(a.waitingSince) - time(b.waitingSince) ||
        Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) ||
        a.id.localeCompare(b.id);
  }
}

export function sortForView(view: InboxView, list: ConversationSummary[]): ConversationSummary[] {
  return [...list].sort(compareFor(view));
}

/** Puts a changed conversation where it now belongs: in the view and in order, or out of it. */
export function upsertIntoView(
  list: ConversationSummary[],
  c: ConversationSummary,
  view: InboxView,
  serviceId: string | null,
  meId: string,
): ConversationSummary[] {
  const others = list.filter((x) => x.id !== c.id);
  return belongsTo(view, serviceId, c, meId) ? sortForView(view, [...others, c]) : others;
}

/**
 * A new message. From the service user: one more unread, and they are now waiting if they were
 * not. A staff reply answers them. (The server's next `conversation` frame is authoritative.)
 */
export function withIncomingMessage<T extends ConversationSummary>(c: T, message: StaffMessage): T {
  if (message.from === 'staff' && message.kind === 'message') {
    return { ...c, lastMessageAt: message.sentAt, waitingSince: null };
  }
  if (message.from !== 'service_user') return c;
  return {
    ...c,
    unreadCount: c.unreadCount + 1,
    lastMessageAt: message.sentAt,
    waitingSince: c.waitingSince ?? message.sentAt,
  };
}
