import type { ReactNode } from 'react';
import type { ConversationDetail } from '../../shared/api/types.js';
import { Time } from '../../shared/time/Time.js';
import { useNow } from '../../shared/time/useNow.js';
import { DueCell, WaitingCell } from '../inbox/DueCell.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

/** Who, which service, state, timings and (when closed) the outcome. */
export function ConversationFacts({ c }: { c: ConversationDetail }) {
  const now = useNow();
  const open = c.status === 'open';
  return (
    <dl className="nhsuk-summary-list app-facts">
      <Row label="Status">
        {open ? (
          <strong className="nhsuk-tag nhsuk-tag--blue">Open</strong>
        ) : (
          <strong className="nhsuk-tag nhsuk-tag--grey">Closed</strong>
        )}
        {c.endedByUser && <span className="app-cell-sub">Ended by the service user</span>}
      </Row>
      {c.ageRange && <Row label="Age range">{c.ageRange}</Row>}
      {c.school && <Row label="School">{c.school}</Row>}
      <Row label="Started">
        <Time iso={c.createdAt} now={now} />
      </Row>
      {open && (
        <>
          <Row label="Waiting">
            <WaitingCell since={c.waitingSince} now={now} />
          </Row>
          <Row label="Response due">
            <DueCell dueAt={c.responseDueAt} now={now} />
          </Row>
        </>
      )}
      {!open && (
        <>
          <Row label="Closed">{c.closedAt ? <Time iso={c.closedAt} now={now} /> : 'Yes'}</Row>
          <Row label="Outcome">{c.outcome ?? 'Not recorded'}</Row>
          <Row label="In clinical record">
            {c.recordedInClinicalRecord === null ? 'Not recorded' : c.recordedInClinicalRecord ? 'Yes' : 'No'}
          </Row>
        </>
      )}
    </dl>
  );
}
