import type { PatientContext } from '../../identity/patientSignIn/patientSessionHook.js';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { appendAudit } from '../../platform/audit/auditLog.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import { recordReceipt } from '../receipts/recordReceipt.js';

/** Who reports a display: the signed-in patient, or (patient null) a device with no live session. */
export type DisplayReporter = { patient: PatientContext | null; ip: string | null };

/**
 * The service worker showed the notification whose tag it sends back: the message is Notified.
 *
 * The tag (the push's id, a random UUID) travels only inside the payload encrypted to the
 * patient's own devices, so holding it is the proof: a report needs no session, which matters
 * because a notification is often shown hours after the 30-minute idle session has ended. A tag
 * counts once its push has been sent at least once. That includes a push whose batch the
 * dispatcher has not finished recording (a device can show it and report within milliseconds),
 * and one waiting to be tried again after a failure the push service did not really have: the
 * device showing it is the proof. One that ended Unnotified is not reopened by a late report. Such a push gets its NotificationAttempted
 * receipt here, a millisecond before Notified, and the dispatcher leaves it alone. With a live
 * session the tag must also be this patient's, as before. Anything else (unknown, not yet sent,
 * someone else's) is answered alike, so a tag's owner or state is never revealed.
 *
 * A second report changes nothing. The first is audited on the patient's chain, like reading a
 * message: by the patient when their session was live, otherwise by an anonymous reporter
 * (nobody signed in did it; the capability was the tag).
 */
export async function reportDisplayed(
  deps: Pick<Deps, 'db' | 'now'>,
  reporter: DisplayReporter,
  tag: string,
): Promise<void> {
  const { patient, ip } = reporter;
  const at = deps.now();
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ message_id: string; patient_id: string }>(
      `UPDATE outbound_pushes SET state = 'notified', finished_at = coalesce(finished_at, $3)
       WHERE id = $1 AND ($2::uuid IS NULL OR patient_id = $2)
         AND (state IN ('sent', 'notified') OR (state = 'due' AND attempts > 0))
       RETURNING message_id, patient_id`,
      [tag, patient?.patientId ?? null, at],
    );
    const push = rows[0];
    if (!push) throw new NotFound('Notification');
    // Already there when the dispatcher recorded the send; otherwise it is recorded now, and
    // Notified a millisecond after it, so every reader sees them in that order.
    await recordReceipt(q, { messageId: push.message_id, code: 'NotificationAttempted', at });
    const first = await recordReceipt(q, {
      messageId: push.message_id,
      code: 'Notified',
      at: new Date(at.getTime() + 1),
    });
    if (!first) return;
    const actor = patient
      ? { actorKind: 'service_user' as const, actorId: patient.patientId, reason: null }
      : {
          actorKind: 'anonymous' as const,
          actorId: null,
          reason: 'reported without a session, by the notification tag',
        };
    await appendAudit(q, {
      chain: patientChain(push.patient_id),
      ...actor,
      action: 'patient.push_displayed',
      targetKind: 'outbound_message',
      targetId: push.message_id,
      ip,
    });
  });
}
