import { apiRequest } from '../shared/api/http.js';
import type {
  PublicConversation,
  PublicMessage,
  PublicService,
  StartConversationBody,
  StartedConversation,
} from '../shared/api/types.js';

export const publicKeys = {
  service: (slug: string) => ['public', 'service', slug] as const,
  conversation: ['public', 'conversation'] as const,
};

const servicePath = (slug: string) => `/api/public/services/${encodeURIComponent(slug)}`;

export function getService(slug: string, signal?: AbortSignal): Promise<PublicService> {
  return apiRequest<PublicService>(servicePath(slug), { signal });
}

export function startConversation(slug: string, body: StartConversationBody): Promise<StartedConversation> {
  return apiRequest<StartedConversation>(`${servicePath(slug)}/conversations`, { method: 'POST', body });
}

export function resumeWithCode(slug: string, code: string): Promise<{ token: string }> {
  return apiRequest<{ token: string }>(`${servicePath(slug)}/resume`, { method: 'POST', body: { code } });
}

export function getConversation(token: string, signal?: AbortSignal): Promise<PublicConversation> {
  return apiRequest<PublicConversation>('/api/public/conversation', { token, signal });
}

export function sendMessage(token: string, body: { message: string; clientRef: string }): Promise<PublicMessage> {
  return apiRequest<PublicMessage>('/api/public/conversation/messages', { method: 'POST', token, body });
}

export function endConversation(token: string): Promise<PublicConversation> {
  return apiRequest<PublicConversation>('/api/public/conversation/end', { method: 'POST', token });
}

/** Adds or replaces a message (the same one can arrive from the POST answer and the live socket). */
export function withMessage(conversation: PublicConversation, message: PublicMessage): PublicConversation {
  const others = conversation.messages.filter((m) => m.id !== message.id);
  return { ...conversation, messages: [...others, message].sort((a, b) => a.seq - b.seq) };
}
