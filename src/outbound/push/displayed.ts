import type { PatientContext } from '../../identity/patientSignIn/patientSessionHook.js';
import type { Deps } from '../../platform/deps.js';
import { NotFound } from '../../platform/http/errors.js';
import { recordReceipt } from '../receipts/recordReceipt.js';

/**
 * The service worker showed the notification whose tag it sends back: the message is Notified.
 * The tag must be a push that went to this patient; any other tag (someone else's, or one never
 * sent) is answered alike, so a tag's owner is never revealed. A second report changes nothing.
 */
export async function reportDisplayed(
  deps: Pick<Deps, 'db' | 'now'>,
  patient: PatientContext,
  tag: string,
): Promise<void> {
  await deps.db.tx(async (q) => {
    const { rows } = await q.query<{ message_id: string }>(
      `UPDATE outbound_pushes SET state = 'notified'
       WHERE id = $1 AND patient_id = $2 AND state IN ('sent', 'notified')
       RETURNING message_id`,
      [tag, patient.patientId],
    );
    if (!rows[0]) throw new NotFound('Notification');
    await recordReceipt(q, { messageId: rows[0].message_id, code: 'Notified', at: deps.now() });
  });
}
