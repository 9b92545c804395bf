import { apiRequest } from '../shared/api/http.js';
import type {
  ConversationDetail,
  ConversationSummary,
  LoginResult,
  Me,
  Member,
  MfaSetup,
  StaffMessage,
} from '../shared/api/types.js';
import type { InboxView } from './inbox/inboxViews.js';

export const staffKeys = {
  me: ['staff', 'me'] as const,
  inboxes: ['staff', 'conversations'] as const,
  inbox: (view: InboxView, serviceId: string | null) => ['staff', 'conversations', view, serviceId ?? 'all'] as const,
  details: ['staff', 'conversation'] as const,
  detail: (id: string) => ['staff', 'conversation', id] as const,
  members: (serviceId: string) => ['staff', 'members', serviceId] as const,
  services: ['staff', 'services'] as const,
  mfaSetup: ['staff', 'mfa-setup'] as const,
};

const conversationPath = (id: string) => `/api/staff/conversations/${encodeURIComponent(id)}`;

export const login = (email: string, password: string) =>
  apiRequest<LoginResult>('/api/staff/login', { method: 'POST', body: { email, password } });
export const loginMfa = (code: string) => apiRequest<Me>('/api/staff/login/mfa', { method: 'POST', body: { code } });
export const setUpMfa = () => apiRequest<MfaSetup>('/api/staff/mfa/setup', { method: 'POST' });
export const enableMfa = (code: string) => apiRequest<Me>('/api/staff/mfa/enable', { method: 'POST', body: { code } });
export const logout = () => apiRequest<void>('/api/staff/logout', { method: 'POST' });
export const getMe = (signal?: AbortSignal) => apiRequest<Me>('/api/staff/me', { signal });

export function listConversations(
  view: InboxView,
  serviceId: string | null,
  signal?: AbortSignal,
): Promise<{ conversations: ConversationSummary[] }> {
  const params = new URLSearchParams({ view });
  if (serviceId) params.set('serviceId', serviceId);
  return apiRequest(`/api/staff/conversations?${params.toString()}`, { signal });
}

export const getConversation = (id: string, signal?: AbortSignal) =>
  apiRequest<ConversationDetail>(conversationPath(id), { signal });
export const claim = (id: string) =>
  apiRequest<ConversationSummary>(`${conversationPath(id)}/claim`, { method: 'POST' });
export const assign = (id: string, staffId: string) =>
  apiRequest<ConversationSummary>(`${conversationPath(id)}/assign`, { method: 'POST', body: { staffId } });
export const reply = (id: string, body: { message: string; clientRef: string }) =>
  apiRequest<StaffMessage>(`${conversationPath(id)}/messages`, { method: 'POST', body });
export const addNote = (id: string, body: { message: string; clientRef: string }) =>
  apiRequest<StaffMessage>(`${conversationPath(id)}/notes`, { method: 'POST', body });
export const closeConversation = (id: string, body: { outcome: string; recordedInClinicalRecord: boolean }) =>
  apiRequest<ConversationSummary>(`${conversationPath(id)}/close`, { method: 'POST', body });
export const markRead = (id: string, seq: number) =>
  apiRequest<void>(`${conversationPath(id)}/read`, { method: 'POST', body: { seq } });
export const getServices = (signal?: AbortSignal) =>
  apiRequest<{ services: { id: string; name: string }[] }>('/api/staff/services', { signal });
export const transfer = (id: string, body: { serviceId: string; reason: string }) =>
  apiRequest<ConversationSummary>(`${conversationPath(id)}/transfer`, { method: 'POST', body });
export const getMembers = (serviceId: string, signal?: AbortSignal) =>
  apiRequest<{ members: Member[] }>(`/api/staff/services/${encodeURIComponent(serviceId)}/members`, { signal });
