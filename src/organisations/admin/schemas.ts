import { Type, type Static } from 'typebox';

/**
 * Request and response schemas for the administration API. Requests refuse unknown fields and
 * carry size limits; responses are allow-lists, so a column added to a table later cannot leak.
 */

const Uuid = Type.String({ format: 'uuid' });
const Iso = Type.String({ format: 'date-time' });
const strict = { additionalProperties: false } as const;

export const RoleSchema = Type.Union([
  Type.Literal('clinician'),
  Type.Literal('supervisor'),
  Type.Literal('service_admin'),
]);
export const NationSchema = Type.Union([
  Type.Literal('england-and-wales'),
  Type.Literal('scotland'),
  Type.Literal('northern-ireland'),
]);

export const ServiceParams = Type.Object({ id: Uuid }, strict);
export const ClosureParams = Type.Object({ id: Uuid, closureId: Uuid }, strict);
export const StaffParams = Type.Object({ id: Uuid }, strict);

/**
 * Loose on purpose (any integer day, any short string): the calendar module's validateWeekly
 * explains every problem in words an administrator understands, which a schema error does not.
 */
const WeeklyPeriodInput = Type.Object(
  { day: Type.Integer(), start: Type.String({ maxLength: 5 }), end: Type.String({ maxLength: 5 }) },
  strict,
);
/** Ten periods a day is far beyond any real timetable and keeps the body small. */
const WeeklyInput = Type.Array(WeeklyPeriodInput, { maxItems: 70 });

const Message = Type.String({ minLength: 1, maxLength: 2000 });

/** Settings an administrator may change; all optional on PATCH, at least one required. */
const serviceSettings = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  audience: Type.String({ maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  contactPromise: Type.String({ minLength: 1, maxLength: 200 }),
  asksFirstName: Type.Boolean(),
  asksAgeRange: Type.Boolean(),
  asksSchool: Type.Boolean(),
  ageRanges: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { minItems: 1, maxItems: 20 }),
  outcomes: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 }),
  welcomeMessage: Message,
  outOfHoursMessage: Message,
  responseTargetWorkingHours: Type.Number({ minimum: 0.5, maximum: 120 }),
  nation: NationSchema,
  active: Type.Boolean(),
};

export const ServicePatchBody = Type.Partial(Type.Object(serviceSettings, strict), { ...strict, minProperties: 1 });
export type ServicePatch = Static<typeof ServicePatchBody>;

/** A new service: a web address name and a name, and any settings that should not be defaults. */
const { name: _name, active: _active, ...optionalSettings } = serviceSettings;
export const ServiceCreateBody = Type.Object(
  {
    slug: Type.String({ minLength: 1, maxLength: 64 }),
    name: serviceSettings.name,
    ...Type.Partial(Type.Object(optionalSettings)).properties,
    weekly: Type.Optional(WeeklyInput),
  },
  strict,
);
export type ServiceCreate = Static<typeof ServiceCreateBody>;

export const HoursBody = Type.Object({ weekly: WeeklyInput }, strict);

export const AdminServiceSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  audience: Type.String(),
  description: Type.String(),
  contactPromise: Type.String(),
  nation: NationSchema,
  asksFirstName: Type.Boolean(),
  asksAgeRange: Type.Boolean(),
  asksSchool: Type.Boolean(),
  ageRanges: Type.Array(Type.String()),
  outcomes: Type.Array(Type.String()),
  welcomeMessage: Type.String(),
  outOfHoursMessage: Type.String(),
  responseTargetWorkingHours: Type.Number(),
  weekly: Type.Array(Type.Object({ day: Type.Integer(), start: Type.String(), end: Type.String() })),
  active: Type.Boolean(),
});
export const AdminServiceList = Type.Object({ services: Type.Array(AdminServiceSchema) });

export const ClosureBody = Type.Object(
  { startsAt: Iso, endsAt: Iso, reason: Type.Optional(Type.String({ maxLength: 200 })) },
  strict,
);
export const ClosureSchema = Type.Object({
  id: Uuid,
  startsAt: Iso,
  endsAt: Iso,
  reason: Type.String(),
  current: Type.Boolean(),
});
export const ClosureList = Type.Object({ closures: Type.Array(ClosureSchema) });

const MembershipInput = Type.Object({ serviceId: Uuid, role: RoleSchema }, strict);
/** One entry per service; 200 is more services than any organisation runs. */
const MembershipsInput = Type.Array(MembershipInput, { maxItems: 200 });

export const MembershipsBody = Type.Object({ memberships: MembershipsInput }, strict);
export type MembershipsBody = Static<typeof MembershipsBody>;

export const StaffCreateBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    // Length is checked by hashPassword (minimum) and capped here so hashing cost stays bounded.
    password: Type.String({ maxLength: 200 }),
    isOrgAdmin: Type.Optional(Type.Boolean()),
    memberships: Type.Optional(MembershipsInput),
  },
  strict,
);
export type StaffCreateBody = Static<typeof StaffCreateBody>;

export const AdminStaffSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  email: Type.String(),
  isOrgAdmin: Type.Boolean(),
  disabled: Type.Boolean(),
  memberships: Type.Array(Type.Object({ serviceId: Uuid, role: RoleSchema })),
});
export const AdminStaffList = Type.Object({ staff: Type.Array(AdminStaffSchema) });

export const DisabledSchema = Type.Object({ id: Uuid, disabled: Type.Literal(true), sessionsRevoked: Type.Integer() });

export const EmptyBody = Type.Object({}, strict);
