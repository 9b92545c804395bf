import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { Select } from '../../shared/forms/Select.js';
import { DAY_NAMES, WEEK_ORDER } from '../hoursSummary.js';
import { errorFor } from '../problems.js';
import { periodFieldId, type PeriodRow } from './hoursForm.js';

const DAY_OPTIONS = WEEK_ORDER.map((d) => ({ value: String(d), label: DAY_NAMES[d] }));

type Props = {
  rows: PeriodRow[];
  errors: FieldError[];
  onChange: (index: number, field: 'day' | 'start' | 'end', value: string) => void;
  onRemove: (index: number) => void;
};

function TimeCell({
  id,
  label,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className={`nhsuk-form-group app-admin-cell-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label nhsuk-u-visually-hidden" htmlFor={id}>
        {label}
      </label>
      {error && (
        <span className="nhsuk-error-message" id={`${id}-error`}>
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      )}
      <input
        className={`nhsuk-input nhsuk-input--width-5${error ? ' nhsuk-input--error' : ''}`}
        id={id}
        name={id}
        type="text"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </div>
  );
}

/** The weekly periods as a table of labelled controls; the numbers match the server's "Period 2: …" problems. */
export function HoursTable({ rows, errors, onChange, onRemove }: Props) {
  return (
    <table className="nhsuk-table app-admin-table">
      <caption className="nhsuk-table__caption nhsuk-table__caption--m">Weekly opening hours</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Period
          </th>
          <th className="nhsuk-table__header" scope="col">
            Day
          </th>
          <th className="nhsuk-table__header" scope="col">
            Opens
          </th>
          <th className="nhsuk-table__header" scope="col">
            Closes
          </th>
          <th className="nhsuk-table__header" scope="col">
            <span className="nhsuk-u-visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {rows.map((row, i) => {
          const n = i + 1;
          return (
            <tr className="nhsuk-table__row" key={row.key}>
              <th className="nhsuk-table__header" scope="row">
                Period {n}
              </th>
              <td className="nhsuk-table__cell">
                <Select
                  id={periodFieldId(n, 'day')}
                  label={`Day, period ${n}`}
                  labelClass="nhsuk-u-visually-hidden"
                  value={row.day}
                  onChange={(v) => onChange(i, 'day', v)}
                  options={DAY_OPTIONS}
                  error={errorFor(errors, periodFieldId(n, 'day'))}
                  groupClass="app-admin-cell-group"
                />
              </td>
              <td className="nhsuk-table__cell">
                <TimeCell
                  id={periodFieldId(n, 'start')}
                  label={`Opens, period ${n}`}
                  value={row.start}
                  onChange={(v) => onChange(i, 'start', v)}
                  error={errorFor(errors, periodFieldId(n, 'start'))}
                />
              </td>
              <td className="nhsuk-table__cell">
                <TimeCell
                  id={periodFieldId(n, 'end')}
                  label={`Closes, period ${n}`}
                  value={row.end}
                  onChange={(v) => onChange(i, 'end', v)}
                  error={errorFor(errors, periodFieldId(n, 'end'))}
                />
              </td>
              <td className="nhsuk-table__cell">
                <button
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                  type="button"
                  onClick={() => onRemove(i)}
                >
                  Remove<span className="nhsuk-u-visually-hidden"> period {n}</span>
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
