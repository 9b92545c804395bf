import { Type } from '@fastify/type-provider-typebox';
import { MAX_ENDPOINT_LENGTH } from './subscriptionInput.js';

const strict = { additionalProperties: false } as const;
const Endpoint = Type.String({ minLength: 1, maxLength: MAX_ENDPOINT_LENGTH, description: 'The push service URL' });

/** As PushSubscription.toJSON() gives it; lengths and encodings are checked by checkSubscription. */
export const SubscribeBody = Type.Object(
  {
    endpoint: Endpoint,
    // Browsers include it (usually null); push services decide expiry, so it is accepted and not kept.
    expirationTime: Type.Optional(Type.Union([Type.Null(), Type.Number()])),
    keys: Type.Object(
      {
        p256dh: Type.String({ maxLength: 200, description: 'P-256 public key, unpadded base64url (87 characters)' }),
        auth: Type.String({ maxLength: 100, description: 'Auth secret, unpadded base64url (22 characters)' }),
      },
      strict,
    ),
  },
  strict,
);

export const UnsubscribeBody = Type.Object({ endpoint: Endpoint }, strict);

export const DisplayedBody = Type.Object(
  { tag: Type.String({ format: 'uuid', description: 'The tag of the notification shown' }) },
  strict,
);

export const VapidPublicKey = Type.Object(
  { publicKey: Type.String({ description: 'applicationServerKey for pushManager.subscribe(), base64url' }) },
  strict,
);
