import { Type } from '@fastify/type-provider-typebox';

/** Requests with nothing to say still send `{}`: the CSRF rule requires a JSON body on every write. */
export const EmptyBody = Type.Object({}, { additionalProperties: false });

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    // Bounded so that hashing cannot be made to burn CPU on a megabyte "password".
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const LoginAnswer = Type.Object(
  { mfaRequired: Type.Boolean(), mfaSetupRequired: Type.Boolean() },
  { additionalProperties: false },
);

export const CodeBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code from an authenticator app.' }) },
  { additionalProperties: false },
);

export const MfaSetupAnswer = Type.Object(
  { secret: Type.String(), otpauthUrl: Type.String() },
  { additionalProperties: false },
);

const RoleSchema = Type.Union([Type.Literal('clinician'), Type.Literal('supervisor'), Type.Literal('service_admin')]);

export const MeAnswer = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    organisation: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
    isOrgAdmin: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    services: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          slug: Type.String(),
          role: RoleSchema,
          outcomes: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SessionsAnswer = Type.Object(
  {
    sessions: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          createdAt: Type.String({ format: 'date-time' }),
          lastSeenAt: Type.String({ format: 'date-time' }),
          expiresAt: Type.String({ format: 'date-time' }),
          current: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SessionParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{16}$' }) },
  { additionalProperties: false },
);
