import type { Deps } from '../platform/deps.js';
import type { MessageRow } from './views.js';

// The live hub deletes the row once it has delivered it; the TTL only bounds a row whose event was lost.
export const FRESH_MESSAGE_TTL_MS = 10_000;
export const messageCacheKey = (id: string) => `message:${id}`;

type Where = { organisationId: string; serviceId: string; conversationId: string };

type Status = 'open' | 'closed';

/**
 * After commit only: a live update must never announce something that then rolled back.
 * `status` is set only when the conversation opened or closed, so service users' sockets hear
 * about status changes without a read on every message.
 */
export function publishMessages(
  deps: Pick<Deps, 'bus' | 'cache'>,
  where: Where,
  messages: { id: string; row?: MessageRow | undefined }[],
  status?: Status,
): void {
  for (const m of messages) {
    if (m.row) deps.cache.set(messageCacheKey(m.id), FRESH_MESSAGE_TTL_MS, m.row);
    deps.bus.publish({ type: 'message.created', ...where, messageId: m.id });
  }
  publishConversationChanged(deps, where, status);
}

export function publishConversationChanged(deps: Pick<Deps, 'bus'>, where: Where, status?: Status): void {
  deps.bus.publish({ type: 'conversation.changed', ...where, ...(status ? { status } : {}) });
}
