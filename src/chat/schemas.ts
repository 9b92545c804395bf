import { Type, type Static, type TSchema } from 'typebox';

/** Client references make creates safe to retry: 8–64 URL-safe characters, chosen by the client. */
export const ClientRef = Type.String({
  pattern: '^[A-Za-z0-9_-]{8,64}$',
  description: 'Client-chosen idempotency reference',
});
const MessageText = Type.String({ minLength: 1, maxLength: 4000 });
const Iso = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SlugParams = Type.Object(
  { slug: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }) },
  { additionalProperties: false },
);
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const PublicServiceSchema = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  organisationName: Type.String(),
  audience: Type.String(),
  description: Type.String(),
  contactPromise: Type.String(),
  asks: Type.Object({ firstName: Type.Boolean(), ageRange: Type.Boolean(), school: Type.Boolean() }),
  ageRanges: Type.Array(Type.String()),
  openNow: Type.Boolean(),
  nextOpening: Nullable(Iso),
  openingHours: Type.Array(Type.Object({ day: Type.Integer(), start: Type.String(), end: Type.String() })),
  crisisMessage: Type.String(),
});

export const StartBody = Type.Object(
  {
    message: MessageText,
    clientRef: ClientRef,
    firstName: Type.Optional(Type.String({ maxLength: 50 })),
    ageRange: Type.Optional(Type.String({ maxLength: 20 })),
    school: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type StartBody = Static<typeof StartBody>;

export const StartedSchema = Type.Object({
  conversationId: Uuid,
  token: Type.String(),
  code: Type.String(),
  resumeUrl: Type.String(),
});

export const ResumeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 20 }) },
  { additionalProperties: false },
);
export const ResumedSchema = Type.Object({ token: Type.String() });

export const MessageBody = Type.Object({ message: MessageText, clientRef: ClientRef }, { additionalProperties: false });

export const PublicMessageSchema = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  from: Type.Union([Type.Literal('you'), Type.Literal('team'), Type.Literal('system')]),
  kind: Type.Union([Type.Literal('message'), Type.Literal('auto_ack'), Type.Literal('out_of_hours')]),
  authorName: Nullable(Type.String()),
  text: Type.String(),
  sentAt: Iso,
});

export const PublicConversationSchema = Type.Object({
  id: Uuid,
  serviceName: Type.String(),
  serviceSlug: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  endedByYou: Type.Boolean(),
  crisisMessage: Type.String(),
  messages: Type.Array(PublicMessageSchema),
});

const StaffRef = Type.Object({ id: Uuid, name: Type.String() });

export const SummarySchema = Type.Object({
  id: Uuid,
  serviceId: Uuid,
  serviceName: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  displayName: Type.String(),
  ageRange: Nullable(Type.String()),
  assignedTo: Nullable(StaffRef),
  createdAt: Iso,
  lastMessageAt: Iso,
  waitingSince: Nullable(Iso),
  responseDueAt: Nullable(Iso),
  unreadCount: Type.Integer(),
  outcome: Nullable(Type.String()),
  closedAt: Nullable(Iso),
});

export const StaffMessageSchema = Type.Object({
  id: Uuid,
  seq: Type.Integer(),
  kind: Type.Union([
    Type.Literal('message'),
    Type.Literal('note'),
    Type.Literal('auto_ack'),
    Type.Literal('out_of_hours'),
    Type.Literal('event'),
  ]),
  from: Type.Union([Type.Literal('service_user'), Type.Literal('staff'), Type.Literal('system')]),
  author: Nullable(StaffRef),
  text: Type.String(),
  sentAt: Iso,
});

export const DetailSchema = Type.Object({
  ...SummarySchema.properties,
  school: Nullable(Type.String()),
  endedByUser: Type.Boolean(),
  recordedInClinicalRecord: Nullable(Type.Boolean()),
  outcomes: Type.Array(Type.String()),
  messages: Type.Array(StaffMessageSchema),
});

export const InboxQuery = Type.Object(
  {
    view: Type.Union([Type.Literal('unassigned'), Type.Literal('mine'), Type.Literal('open'), Type.Literal('closed')], {
      default: 'open',
    }),
    serviceId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const AssignBody = Type.Object({ staffId: Uuid }, { additionalProperties: false });
export const TransferBody = Type.Object(
  { serviceId: Uuid, reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const CloseBody = Type.Object(
  { outcome: Type.String({ maxLength: 100 }), recordedInClinicalRecord: Type.Boolean() },
  { additionalProperties: false },
);
export const ReadBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const ErrorSchema = Type.Object({ code: Type.String(), message: Type.String() });
