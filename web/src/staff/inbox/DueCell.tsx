import { Time } from '../../shared/time/Time.js';
import { formatDuration } from '../../shared/time/londonTime.js';

const DUE_SOON_MS = 60 * 60_000;

/** Response due time, with an Overdue (red) or Due soon (yellow) tag. */
export function DueCell({ dueAt, now }: { dueAt: string | null; now: Date }) {
  if (!dueAt) return <span className="nhsuk-u-secondary-text-colour">No reply due</span>;
  const left = Date.parse(dueAt) - now.getTime();
  return (
    <>
      {left < 0 && (
        <strong className="nhsuk-tag nhsuk-tag--red app-tag-block">Overdue by {formatDuration(-left)}</strong>
      )}
      {left >= 0 && left < DUE_SOON_MS && (
        <strong className="nhsuk-tag nhsuk-tag--yellow app-tag-block">Due soon</strong>
      )}
      <Time iso={dueAt} now={now} />
    </>
  );
}

/** How long the person has been waiting, and since when. */
export function WaitingCell({ since, now }: { since: string | null; now: Date }) {
  if (!since) return <span className="nhsuk-u-secondary-text-colour">Not waiting</span>;
  return (
    <>
      <span className="app-cell-main">{formatDuration(now.getTime() - Date.parse(since))}</span>
      <span className="nhsuk-body-s app-cell-sub">
        since <Time iso={since} now={now} />
      </span>
    </>
  );
}
