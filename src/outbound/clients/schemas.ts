import { Type, type Static } from 'typebox';

/**
 * Schemas of the API client administration routes. Requests refuse unknown fields, so a JWK that
 * carries private key material (`d`, `p`, `q`…) is refused rather than stored; responses are
 * allow-lists.
 */
const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const Iso = Type.String({ format: 'date-time' });

export const KidSchema = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
const Base64Url = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+$' });

/** An RSA public key for RS512 client assertions, as in the client's JWKS. */
export const PublicJwkSchema = Type.Object(
  {
    kty: Type.Literal('RSA'),
    kid: KidSchema,
    // 4096-bit keys are 683 characters of base64url; 1024 leaves room and no more.
    n: Base64Url(1024),
    e: Base64Url(16),
    alg: Type.Optional(Type.Literal('RS512')),
    use: Type.Optional(Type.Literal('sig')),
  },
  strict,
);
export type PublicJwk = Static<typeof PublicJwkSchema>;

const Hostname = Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$',
});

export const ApiClientCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    odsCode: Type.String({ pattern: '^[A-Z0-9]{3,10}$' }),
    allowedLinkDomains: Type.Array(Hostname, { maxItems: 50, uniqueItems: true }),
    rateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    callbackUrl: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()])),
    /** GOV.UK Notify templates for the SMS and email fallback; without one, that channel is not used. */
    notifySmsTemplateId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    notifyEmailTemplateId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    jwks: Type.Object({ keys: Type.Array(PublicJwkSchema, { minItems: 1, maxItems: 10 }) }, strict),
  },
  strict,
);
export type ApiClientCreate = Static<typeof ApiClientCreateBody>;

/**
 * A change to a registered client: any of these, at least one. The ODS code and keys are not
 * here: a client sends as its organisation for good, and keys change through their own routes.
 */
export const ApiClientUpdateBody = Type.Object(
  {
    name: Type.Optional(ApiClientCreateBody.properties.name),
    allowedLinkDomains: Type.Optional(ApiClientCreateBody.properties.allowedLinkDomains),
    rateLimitPerMinute: Type.Optional(ApiClientCreateBody.properties.rateLimitPerMinute),
    callbackUrl: ApiClientCreateBody.properties.callbackUrl,
    notifySmsTemplateId: ApiClientCreateBody.properties.notifySmsTemplateId,
    notifyEmailTemplateId: ApiClientCreateBody.properties.notifyEmailTemplateId,
    /** A new callback signing secret, shown in the answer only; the old one stops at once. */
    rotateCallbackSecret: Type.Optional(Type.Literal(true)),
  },
  { ...strict, minProperties: 1 },
);
export type ApiClientUpdate = Static<typeof ApiClientUpdateBody>;

export const ApiClientParams = Type.Object({ id: Uuid }, strict);
export const ApiClientKeyParams = Type.Object({ id: Uuid, kid: KidSchema }, strict);
export const EmptyBody = Type.Object({}, strict);

export const ApiClientSchema = Type.Object({
  id: Uuid,
  apiKey: Type.String(),
  name: Type.String(),
  odsCode: Type.String(),
  allowedLinkDomains: Type.Array(Type.String()),
  rateLimitPerMinute: Type.Integer(),
  callbackUrl: Type.Union([Type.String(), Type.Null()]),
  notifySmsTemplateId: Type.Union([Type.String(), Type.Null()]),
  notifyEmailTemplateId: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.Object({ kid: Type.String(), createdAt: Iso, revoked: Type.Boolean() })),
  disabled: Type.Boolean(),
  createdAt: Iso,
});
export type ApiClientView = Static<typeof ApiClientSchema>;

/** The callback signing secret is shown once, when the client is registered. */
export const ApiClientCreatedSchema = Type.Object({
  ...ApiClientSchema.properties,
  callbackSecret: Type.Union([Type.String(), Type.Null()]),
});
export const ApiClientList = Type.Object({ clients: Type.Array(ApiClientSchema) });
