import { describe, expect, it } from 'vitest';
import type { InboxMessage } from '../../shared/api/types.js';
import { withRead } from './inboxApi.js';

const message = (id: string, read: boolean): InboxMessage => ({
  id,
  sender: { name: 'Beech Tree Surgery', odsCode: 'A12345', verified: true },
  content: 'Hello',
  sentAt: '2025-03-03T09:15:00.000Z',
  read,
});

describe('withRead', () => {
  it('marks one unread message read and counts one fewer unread', () => {
    const inbox = { messages: [message('a', false), message('b', false)], unread: 2 };
    const after = withRead(inbox, 'a');
    expect(after.messages.map((m) => m.read)).toEqual([true, false]);
    expect(after.unread).toBe(1);
    expect(inbox.messages[0]!.read).toBe(false);
  });

  it('changes nothing for a message already read or not in the list', () => {
    const inbox = { messages: [message('a', true)], unread: 3 };
    expect(withRead(inbox, 'a')).toBe(inbox);
    expect(withRead(inbox, 'zzz')).toBe(inbox);
  });
});
