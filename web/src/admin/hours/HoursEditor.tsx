import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { focusById } from '../../shared/layout/focus.js';
import type { OpeningPeriod } from '../../shared/api/types.js';
import { serviceHref } from '../access.js';
import { replaceHours, type AdminService } from '../adminApi.js';
import { SuccessBanner } from '../forms/SuccessBanner.js';
import { summariseHours } from '../hoursSummary.js';
import { problemsFrom } from '../problems.js';
import { useServicePageTitle } from '../service/ServiceFrame.js';
import { useSaveService } from '../service/useSaveService.js';
import { hoursFieldFor, newRowKey, periodFieldId, rowsFromWeekly, validateRows, weeklyFromRows } from './hoursForm.js';
import { HoursTable } from './HoursTable.js';

/** Add, change and remove weekly opening periods, then save them all at once with PUT. */
export function HoursEditor({ service }: { service: AdminService }) {
  const [rows, setRows] = useState(() => rowsFromWeekly(service.weekly));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<{ n: number; summary: string } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [focusNext, setFocusNext] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useServicePageTitle(service, 'hours', errors.length > 0);

  useEffect(() => {
    if (focusNext) focusById(focusNext);
    setFocusNext(null);
  }, [focusNext]);

  const save = useSaveService(
    (weekly: OpeningPeriod[]) => replaceHours(service.id, weekly),
    (result) => {
      setRows(rowsFromWeekly(result.weekly));
      setSaved((s) => ({ n: (s?.n ?? 0) + 1, summary: summariseHours(result.weekly) }));
    },
  );

  const add = () => {
    const last = rows[rows.length - 1];
    setRows([...rows, { key: newRowKey(), day: last?.day ?? '1', start: '09:00', end: '17:00' }]);
    setAnnouncement(`Period ${rows.length + 1} added.`);
    setFocusNext(periodFieldId(rows.length + 1, 'day'));
  };
  const remove = (index: number) => {
    setRows(rows.filter((_, i) => i !== index));
    // Numbers of later periods change, so old errors would point at the wrong rows.
    setErrors([]);
    setAnnouncement(`Period ${index + 1} removed.`);
    addButton.current?.focus();
  };
  const change = (index: number, field: 'day' | 'start' | 'end', value: string) =>
    setRows(rows.map((r, i) => (i === index ? { ...r, [field]: value } : r)));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setSaved(null);
    const problems = validateRows(rows);
    setErrors(problems);
    if (problems.length > 0) return;
    save.mutate(weeklyFromRows(rows), { onError: (err) => setErrors(problemsFrom(err, hoursFieldFor)) });
  };

  return (
    <>
      {saved && (
        <SuccessBanner key={saved.n} heading="Opening hours saved">
          <p className="nhsuk-body">{saved.summary}</p>
          <p className="nhsuk-body">
            The service page <Link to={`/s/${service.slug}`}>/s/{service.slug}</Link> shows the new hours now.
          </p>
        </SuccessBanner>
      )}
      <ErrorSummary errors={errors} />
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            Conversations can start at any time. Opening hours decide when the team is shown as open, when the
            out-of-hours reply is sent, and how response targets are counted.
          </p>
          <p>
            Times are UK time in the 24-hour clock, for example 08:30 or 17:00. Enter 24:00 as the closing time to stay
            open until midnight. A day with no periods is closed. Bank holidays are closed automatically; add other
            closed days on the <Link to={serviceHref(service.id, 'closures')}>closures</Link> page.
          </p>
        </div>
      </div>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <form onSubmit={onSubmit} noValidate>
            {rows.length === 0 ? (
              <>
                <h2 className="nhsuk-heading-m">Weekly opening hours</h2>
                <p>There are no opening periods, so the service is shown as closed all week.</p>
              </>
            ) : (
              <HoursTable rows={rows} errors={errors} onChange={change} onRemove={remove} />
            )}
            <div className="app-button-group">
              <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={add} ref={addButton}>
                Add a period
              </button>
              <button className="nhsuk-button" type="submit" aria-disabled={save.isPending || undefined}>
                {save.isPending ? 'Saving…' : 'Save opening hours'}
              </button>
            </div>
          </form>
        </div>
      </div>
      <div className="nhsuk-u-visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </>
  );
}
