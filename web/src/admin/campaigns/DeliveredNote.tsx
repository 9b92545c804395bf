/** What "delivered" and "read rate" count (as the API defines them), under any table that shows them. */
export function DeliveredNote() {
  return (
    <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">
      Delivered messages are the in-app messages that reached a patient’s inbox (all but Rejected ones). The read rate
      is the share of delivered messages that patients have opened. Notification-only messages are counted by status,
      but they never reach an inbox, so they are not in the read rate.
    </p>
  );
}
