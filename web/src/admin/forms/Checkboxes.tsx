import type { ReactNode } from 'react';

export type CheckboxItem = {
  id: string;
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (v: boolean) => void;
};

type Props = { legend: ReactNode; hint?: string; idPrefix: string; items: CheckboxItem[] };

/** nhsuk-checkboxes in a fieldset; each box has its own id so an error summary can link to it. */
export function Checkboxes({ legend, hint, idPrefix, items }: Props) {
  return (
    <div className="nhsuk-form-group">
      <fieldset className="nhsuk-fieldset" aria-describedby={hint ? `${idPrefix}-hint` : undefined}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {hint && (
          <div className="nhsuk-hint" id={`${idPrefix}-hint`}>
            {hint}
          </div>
        )}
        <div className="nhsuk-checkboxes">
          {items.map((item) => (
            <Checkbox key={item.id} {...item} />
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function Checkbox({ id, label, hint, checked, onChange }: CheckboxItem) {
  return (
    <div className="nhsuk-checkboxes__item">
      <input
        className="nhsuk-checkboxes__input"
        id={id}
        name={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-item-hint` : undefined}
      />
      <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <div className="nhsuk-hint nhsuk-checkboxes__hint" id={`${id}-item-hint`}>
          {hint}
        </div>
      )}
    </div>
  );
}

/** One checkbox on its own (no fieldset needed when the label says it all). */
export function SingleCheckbox(props: CheckboxItem) {
  return (
    <div className="nhsuk-form-group">
      <div className="nhsuk-checkboxes">
        <Checkbox {...props} />
      </div>
    </div>
  );
}
