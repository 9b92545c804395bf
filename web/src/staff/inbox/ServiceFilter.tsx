import { useState, type FormEvent } from 'react';
import type { MeService } from '../../shared/api/types.js';

type Props = { services: MeService[]; value: string | null; onApply: (serviceId: string | null) => void };

/**
 * Narrows the inbox to one service. Applied with a button, not on change, so moving through the
 * options with a keyboard does not reload the table under the person (WCAG 3.2.2).
 */
export function ServiceFilter({ services, value, onApply }: Props) {
  const [selected, setSelected] = useState(value ?? '');
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(selected || null);
  };
  return (
    <form className="app-filter" onSubmit={onSubmit} noValidate>
      <div className="nhsuk-form-group app-filter__group">
        <label className="nhsuk-label" htmlFor="service-filter">
          Service
        </label>
        <select
          className="nhsuk-select"
          id="service-filter"
          name="service"
          value={selected}
          onChange={(e) => setSelected(e.target.value)}
        >
          <option value="">All my services</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small app-filter__button" type="submit">
        Show
      </button>
    </form>
  );
}
