import { describe, expect, it } from 'vitest';
import type { InboxMessage } from '../../shared/api/types.js';
import { withOlder, withRead } from './inboxApi.js';

const message = (id: string, read: boolean): InboxMessage => ({
  id,
  sender: { name: 'Beech Tree Surgery', odsCode: 'A12345', verified: true, linkDomains: ['www.nhs.uk'] },
  content: 'Hello',
  sentAt: '2025-03-03T09:15:00.000Z',
  read,
});

describe('withRead', () => {
  it('marks one unread message read and counts one fewer unread', () => {
    const inbox = { messages: [message('a', false), message('b', false)], unread: 2, next: null };
    const after = withRead(inbox, 'a');
    expect(after.messages.map((m) => m.read)).toEqual([true, false]);
    expect(after.unread).toBe(1);
    expect(inbox.messages[0]!.read).toBe(false);
  });

  it('changes nothing for a message already read or not in the list', () => {
    const inbox = { messages: [message('a', true)], unread: 3, next: null };
    expect(withRead(inbox, 'a')).toBe(inbox);
    expect(withRead(inbox, 'zzz')).toBe(inbox);
  });
});

describe('withOlder', () => {
  it('adds the older page after the messages shown, once each, and takes its cursor and unread count', () => {
    const first = {
      messages: [message('c', false), message('b', true)],
      unread: 1,
      next: { before: 't', beforeId: 'b' },
    };
    const older = { messages: [message('b', true), message('a', false)], unread: 2, next: null };
    const after = withOlder(first, older);
    expect(after.messages.map((m) => m.id)).toEqual(['c', 'b', 'a']);
    expect(after.next).toBeNull();
    expect(after.unread).toBe(2);
  });
});
