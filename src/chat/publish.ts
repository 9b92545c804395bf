import type { Deps } from '../platform/deps.js';

type Where = { organisationId: string; serviceId: string; conversationId: string };

/** After commit only: a live update must never announce something that then rolled back. */
export function publishMessages(deps: Pick<Deps, 'bus'>, where: Where, messages: { id: string }[]): void {
  for (const m of messages) deps.bus.publish({ type: 'message.created', ...where, messageId: m.id });
  deps.bus.publish({ type: 'conversation.changed', ...where });
}

export function publishConversationChanged(deps: Pick<Deps, 'bus'>, where: Where): void {
  deps.bus.publish({ type: 'conversation.changed', ...where });
}
