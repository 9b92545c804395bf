import type { Deps } from '../platform/deps.js';

type Where = { organisationId: string; serviceId: string; conversationId: string };

type Status = 'open' | 'closed';

/**
 * After commit only: a live update must never announce something that then rolled back.
 * `status` is set only when the conversation opened or closed, so service users' sockets hear
 * about status changes without a read on every message.
 */
export function publishMessages(
  deps: Pick<Deps, 'bus'>,
  where: Where,
  messages: { id: string }[],
  status?: Status,
): void {
  for (const m of messages) deps.bus.publish({ type: 'message.created', ...where, messageId: m.id });
  publishConversationChanged(deps, where, status);
}

export function publishConversationChanged(deps: Pick<Deps, 'bus'>, where: Where, status?: Status): void {
  deps.bus.publish({ type: 'conversation.changed', ...where, ...(status ? { status } : {}) });
}
