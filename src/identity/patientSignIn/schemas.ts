import { Type } from '@fastify/type-provider-typebox';

/** Requests with nothing to say still send `{}`: the CSRF rule requires a JSON body on every write. */
export const EmptyBody = Type.Object({}, { additionalProperties: false });

/**
 * The provider's redirect. Bounded, but open to parameters we do not use (iss, session_state…):
 * openid-client reads the query string as received and decides what is acceptable.
 */
export const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 2048 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
});

const IdentityLevel = Type.Union([Type.Literal('P0'), Type.Literal('P5'), Type.Literal('P9')]);

export const PatientMe = Type.Object(
  {
    identityLevel: IdentityLevel,
    name: Type.Union([Type.String(), Type.Null()]),
    receivesMessages: Type.Boolean({ description: 'Only identities proved to P9 receive messages.' }),
  },
  { additionalProperties: false },
);
