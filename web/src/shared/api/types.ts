/** Shapes of the HTTP and WebSocket contract in docs/API.md. Times are ISO 8601 UTC strings. */

export type ApiErrorBody = { code: string; message: string };

// ---- Service users -------------------------------------------------------------------------

export type OpeningPeriod = { day: number; start: string; end: string };

export type PublicService = {
  slug: string;
  name: string;
  organisationName: string;
  audience: string;
  description: string;
  contactPromise: string;
  asks: { firstName: boolean; ageRange: boolean; school: boolean };
  ageRanges: string[];
  openNow: boolean;
  nextOpening: string | null;
  openingHours: OpeningPeriod[];
  crisisMessage: string;
};

export type StartConversationBody = {
  message: string;
  clientRef: string;
  firstName?: string;
  ageRange?: string;
  school?: string;
};

export type StartedConversation = { conversationId: string; token: string; code: string; resumeUrl: string };

export type PublicMessage = {
  id: string;
  seq: number;
  from: 'you' | 'team' | 'system';
  kind: 'message' | 'auto_ack' | 'out_of_hours';
  authorName: string | null;
  text: string;
  sentAt: string;
};

export type ConversationStatus = 'open' | 'closed';

export type PublicConversation = {
  id: string;
  serviceName: string;
  serviceSlug: string;
  status: ConversationStatus;
  endedByYou: boolean;
  code: null;
  messages: PublicMessage[];
};

export type PublicLiveFrame =
  | { type: 'ready' }
  | { type: 'message'; message: PublicMessage }
  | { type: 'conversation'; status: ConversationStatus };

// ---- Staff ---------------------------------------------------------------------------------

export type StaffRole = 'clinician' | 'supervisor' | 'service_admin';

export type MeService = { id: string; name: string; slug: string; role: StaffRole; outcomes: string[] };

export type Me = {
  id: string;
  name: string;
  email: string;
  organisation: { id: string; name: string };
  isOrgAdmin: boolean;
  mfaEnabled: boolean;
  services: MeService[];
};

export type LoginResult = { mfaRequired: boolean; mfaSetupRequired: boolean };

export type MfaSetup = { secret: string; otpauthUrl: string };

export type ConversationSummary = {
  id: string;
  serviceId: string;
  serviceName: string;
  status: ConversationStatus;
  displayName: string;
  ageRange: string | null;
  assignedTo: { id: string; name: string } | null;
  createdAt: string;
  lastMessageAt: string;
  waitingSince: string | null;
  responseDueAt: string | null;
  unreadCount: number;
  outcome: string | null;
  closedAt: string | null;
};

export type StaffMessage = {
  id: string;
  seq: number;
  kind: 'message' | 'note' | 'auto_ack' | 'out_of_hours' | 'event';
  from: 'service_user' | 'staff' | 'system';
  author: { id: string; name: string } | null;
  text: string;
  sentAt: string;
};

export type ConversationDetail = ConversationSummary & {
  school: string | null;
  endedByUser: boolean;
  recordedInClinicalRecord: boolean | null;
  outcomes: string[];
  messages: StaffMessage[];
};

export type Member = { staffId: string; name: string; role: StaffRole };

export type StaffLiveFrame =
  | { type: 'ready' }
  | { type: 'conversation'; conversation: ConversationSummary }
  | { type: 'message'; conversationId: string; message: StaffMessage };

// ---- Patients signed in with NHS login -----------------------------------------------------

export type IdentityLevel = 'P0' | 'P5' | 'P9';

export type PatientMe = { identityLevel: IdentityLevel; name: string | null; receivesMessages: boolean };

export type InboxMessage = {
  id: string;
  /** `linkDomains`: the hosts the sender may link to; the message is shown linking nowhere else. */
  sender: { name: string; odsCode: string; verified: boolean; linkDomains: string[] };
  /** Markdown from the sending system; see patient/inbox/markdown for how it is shown. */
  content: string;
  sentAt: string;
  read: boolean;
};

/** `next`: the query for the page after this one (older messages), when there is one. */
export type PatientInbox = {
  messages: InboxMessage[];
  unread: number;
  next: { before: string; beforeId: string } | null;
};
