/** What "delivered" and "read rate" count, under any table that shows them. */
export function DeliveredNote() {
  return (
    <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">
      Delivered messages are those that reached a patient’s inbox (all but Rejected and Pending). The read rate is the
      share of delivered messages that patients have opened.
    </p>
  );
}
