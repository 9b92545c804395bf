/**
 * What every notification says, whoever sent the message and whatever it holds: lock screens are
 * seen by others. The tag is the push's own random id, meaningless outside Confide; the service
 * worker sends it back to report that the notification was shown.
 */
export function pushPayload(tag: string): string {
  return JSON.stringify({ title: 'NHS', body: 'You have a new message.', tag, url: '/inbox' });
}

/** Why a message was Unnotified, as its receipt says: never anything about the patient. */
export const UNNOTIFIED_REASON = {
  noDevice: 'No device has opted in to notifications',
  expired: 'Every device subscription had expired',
  failed: 'Every push service attempt failed',
} as const;
