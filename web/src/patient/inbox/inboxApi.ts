import { apiRequest } from '../../shared/api/http.js';
import type { InboxMessage, PatientInbox, PatientMe } from '../../shared/api/types.js';

export const inboxKeys = {
  all: ['patient'] as const,
  me: ['patient', 'me'] as const,
  messages: ['patient', 'messages'] as const,
  message: (id: string) => ['patient', 'message', id] as const,
};

/** A navigation target, not a fetch: the server answers with a redirect to NHS login. */
export const SIGN_IN_HREF = '/api/patient/sign-in';

export const getPatientMe = (signal?: AbortSignal) => apiRequest<PatientMe>('/api/patient/me', { signal });

export const getInbox = (signal?: AbortSignal, after?: PatientInbox['next']) =>
  apiRequest<PatientInbox>(
    after
      ? `/api/patient/messages?${new URLSearchParams({ before: after.before, beforeId: after.beforeId }).toString()}`
      : '/api/patient/messages',
    { signal },
  );

/** One message by its id: for a link to a message older than the pages loaded so far. */
export const getInboxMessage = (id: string, signal?: AbortSignal) =>
  apiRequest<InboxMessage>(`/api/patient/messages/${encodeURIComponent(id)}`, { signal });

/** The inbox shown so far with the next (older) page after it; a message already shown stays once. */
export function withOlder(inbox: PatientInbox, older: PatientInbox): PatientInbox {
  const shown = new Set(inbox.messages.map((m) => m.id));
  return {
    messages: [...inbox.messages, ...older.messages.filter((m) => !shown.has(m.id))],
    unread: older.unread,
    next: older.next,
  };
}

export const markMessageRead = (id: string) =>
  apiRequest<{ id: string; read: true }>(`/api/patient/messages/${encodeURIComponent(id)}/read`, { method: 'POST' });

export const signOutPatient = () => apiRequest<void>('/api/patient/sign-out', { method: 'POST' });

/** The server's VAPID public key (base64url): pushManager.subscribe()'s applicationServerKey. */
export const getVapidPublicKey = () => apiRequest<{ publicKey: string }>('/api/patient/push/vapid-public-key');

/** Opts this browser in: the subscription exactly as PushSubscription.toJSON() gives it. */
export const savePushSubscription = (subscription: PushSubscriptionJSON) =>
  apiRequest<void>('/api/patient/push-subscriptions', { method: 'POST', body: subscription });

export const removePushSubscription = (endpoint: string) =>
  apiRequest<void>('/api/patient/push-subscriptions', { method: 'DELETE', body: { endpoint } });

/** The cached inbox with one message read, so going back shows it without waiting for a refetch. */
export function withRead(inbox: PatientInbox, id: string): PatientInbox {
  const target = inbox.messages.find((m) => m.id === id);
  if (!target || target.read) return inbox;
  return {
    ...inbox,
    messages: inbox.messages.map((m) => (m.id === id ? { ...m, read: true } : m)),
    unread: Math.max(0, inbox.unread - 1),
  };
}
