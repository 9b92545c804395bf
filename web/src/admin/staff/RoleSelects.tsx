import type { StaffRole } from '../../shared/api/types.js';
import type { AdminService } from '../adminApi.js';
import { Select } from '../../shared/forms/Select.js';
import { ROLE_OPTIONS, roleSelectId, serviceLabel, type RoleChoices } from './roles.js';

type Props = {
  legend: string;
  hint: string;
  services: AdminService[];
  choices: RoleChoices;
  onChange: (choices: RoleChoices) => void;
};

/** One role select per service the administrator looks after: "No access", clinician, supervisor or service admin. */
export function RoleSelects({ legend, hint, services, choices, onChange }: Props) {
  return (
    <div className="nhsuk-form-group">
      <fieldset className="nhsuk-fieldset" aria-describedby="roles-hint">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div className="nhsuk-hint" id="roles-hint">
          {hint}
        </div>
        {services.map((s) => (
          <Select
            key={s.id}
            id={roleSelectId(s.id)}
            label={`Role in ${serviceLabel(s, services)}`}
            value={choices[s.id] ?? ''}
            onChange={(role) => onChange({ ...choices, [s.id]: role as StaffRole | '' })}
            options={ROLE_OPTIONS}
          />
        ))}
      </fieldset>
    </div>
  );
}
