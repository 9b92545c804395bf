import { describe, expect, it } from 'vitest';
import type { ConversationSummary, StaffMessage } from '../../shared/api/types.js';
import { belongsTo, parseView, sortForView, upsertIntoView, withIncomingMessage } from './inboxViews.js';

const ME = 'staff-me';
function conv(over: Partial<ConversationSummary>): ConversationSummary {
  return {
    id: 'c1',
    serviceId: 's1',
    serviceName: 'School nursing',
    status: 'open',
    displayName: 'Anonymous',
    ageRange: null,
    assignedTo: null,
    createdAt: '2025-01-15T09:00:00Z',
    lastMessageAt: '2025-01-15T09:00:00Z',
    waitingSince: '2025-01-15T09:00:00Z',
    responseDueAt: null,
    unreadCount: 1,
    outcome: null,
    closedAt: null,
    ...over,
  };
}
const msg = (over: Partial<StaffMessage>): StaffMessage => ({
  id: 'm1',
  seq: 5,
  kind: 'message',
  from: 'service_user',
  author: null,
  text: 'hello',
  sentAt: '2025-01-15T10:00:00Z',
  ...over,
});

describe('belongsTo', () => {
  it('matches the server views', () => {
    const unassigned = conv({});
    const mine = conv({ assignedTo: { id: ME, name: 'Me' } });
    const theirs = conv({ assignedTo: { id: 'other', name: 'Other' } });
    const closed = conv({ status: 'closed' });
    expect([unassigned, mine, theirs, closed].map((c) => belongsTo('unassigned', null, c, ME))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect([unassigned, mine, theirs, closed].map((c) => belongsTo('mine', null, c, ME))).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect([unassigned, mine, theirs, closed].map((c) => belongsTo('open', null, c, ME))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(belongsTo('closed', null, closed, ME)).toBe(true);
    expect(belongsTo('open', 's2', unassigned, ME)).toBe(false);
  });

  it('falls back to unassigned for an unknown view', () => {
    expect(parseView('nonsense')).toBe('unassigned');
    expect(parseView('closed')).toBe('closed');
  });
});

describe('sorting and upserts', () => {
  it('puts the longest wait first and conversations nobody waits on last', () => {
    const a = conv({ id: 'a', waitingSince: '2025-01-15T10:00:00Z' });
    const b = conv({ id: 'b', waitingSince: '2025-01-15T08:00:00Z' });
    const c = conv({ id: 'c', waitingSince: null });
    expect(sortForView('open', [c, a, b]).map((x) => x.id)).toEqual(['b', 'a', 'c']);
  });

  it('breaks ties as the server does', () => {
    const older = conv({
      id: 'old',
      waitingSince: null,
      createdAt: '2025-01-01T00:00:00Z',
      lastMessageAt: '2025-01-02T00:00:00Z',
    });
    const newer = conv({
      id: 'new',
      waitingSince: null,
      createdAt: '2025-01-03T00:00:00Z',
      lastMessageAt: '2025-01-04T00:00:00Z',
    });
    expect(sortForView('unassigned', [newer, older]).map((x) => x.id)).toEqual(['old', 'new']);
    expect(sortForView('open', [older, newer]).map((x) => x.id)).toEqual(['new', 'old']);
    const closedA = conv({ id: 'a', status: 'closed', closedAt: '2025-01-01T00:00:00Z' });
    const closedB = conv({ id: 'b', status: 'closed', closedAt: '2025-01-05T00:00:00Z' });
    expect(sortForView('closed', [closedA, closedB]).map((x) => x.id)).toEqual(['b', 'a']);
  });

  it('moves a claimed conversation out of Unassigned', () => {
    const list = [conv({ id: 'a' }), conv({ id: 'b' })];
    const claimed = conv({ id: 'a', assignedTo: { id: ME, name: 'Me' } });
    expect(upsertIntoView(list, claimed, 'unassigned', null, ME).map((x) => x.id)).toEqual(['b']);
    expect(upsertIntoView([], claimed, 'mine', null, ME).map((x) => x.id)).toEqual(['a']);
  });

  it('counts a service-user message as unread and clears waiting on a staff reply', () => {
    const answered = conv({ waitingSince: null, unreadCount: 0 });
    const bumped = withIncomingMessage(answered, msg({}));
    expect(bumped.unreadCount).toBe(1);
    expect(bumped.waitingSince).toBe('2025-01-15T10:00:00Z');
    const replied = withIncomingMessage(bumped, msg({ from: 'staff', author: { id: ME, name: 'Me' } }));
    expect(replied.waitingSince).toBeNull();
    expect(replied.unreadCount).toBe(1);
    expect(withIncomingMessage(bumped, msg({ kind: 'note', from: 'staff' }))).toEqual(bumped);
  });
});
