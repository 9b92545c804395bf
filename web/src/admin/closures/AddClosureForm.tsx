import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TextInput } from '../../shared/forms/TextInput.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { addClosure, adminKeys, type Closure } from '../adminApi.js';
import { errorFor, problemsFrom } from '../problems.js';
import { checkClosure, closureFieldFor, REASON_MAX, type ClosureForm } from './closureForm.js';
import { DateTimeFields, EMPTY_DATE_TIME, type DateTimeValue } from './DateTimeFields.js';

type Props = {
  serviceId: string;
  errors: FieldError[];
  setErrors: (errors: FieldError[]) => void;
  onAdded: (closure: Closure) => void;
};

const EMPTY: ClosureForm = { starts: EMPTY_DATE_TIME, ends: EMPTY_DATE_TIME, reason: '' };

/** A new closure: start and end on London clocks (sent as UTC instants) and an optional reason. */
export function AddClosureForm({ serviceId, errors, setErrors, onAdded }: Props) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ClosureForm>(EMPTY);
  const [parts, setParts] = useState<{ starts?: (keyof DateTimeValue)[]; ends?: (keyof DateTimeValue)[] }>({});

  const add = useMutation({
    mutationFn: (body: { startsAt: string; endsAt: string; reason: string }) => addClosure(serviceId, body),
    onSuccess: (closure) => {
      queryClient.setQueryData<Closure[]>(adminKeys.closures(serviceId), (list) =>
        list ? [...list, closure].sort((a, b) => a.startsAt.localeCompare(b.startsAt)) : list,
      );
      void queryClient.invalidateQueries({ queryKey: adminKeys.closures(serviceId) });
      setForm(EMPTY);
      onAdded(closure);
    },
    onError: (err) => {
      setParts({});
      setErrors(problemsFrom(err, closureFieldFor));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (add.isPending) return;
    const result = checkClosure(form);
    setErrors(result.errors.map(({ fieldId, text }) => ({ fieldId, text })));
    setParts({
      starts: result.errors.find((e) => e.fieldId?.startsWith('starts-'))?.parts,
      ends: result.errors.find((e) => e.fieldId?.startsWith('ends-'))?.parts,
    });
    if (result.body) add.mutate(result.body);
  };
  const dateError = (prefix: 'starts' | 'ends') => {
    const texts = errors.filter((e) => e.fieldId?.startsWith(`${prefix}-`)).map((e) => e.text);
    return texts.length > 0 ? texts.join(' ') : undefined;
  };

  return (
    <section aria-labelledby="add-closure-heading" className="app-section">
      <h2 className="nhsuk-heading-m" id="add-closure-heading">
        Add a closure
      </h2>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <form onSubmit={onSubmit} noValidate>
            <DateTimeFields
              id="starts"
              legend="Closed from"
              hint="UK time. For example, 24 12 2025 and 13:00."
              value={form.starts}
              onChange={(starts) => setForm({ ...form, starts })}
              error={dateError('starts')}
              errorParts={parts.starts}
            />
            <DateTimeFields
              id="ends"
              legend="Open again from"
              hint="UK time. For example, 2 1 2026 and 09:00. Enter 00:00 for the start of that day."
              value={form.ends}
              onChange={(ends) => setForm({ ...form, ends })}
              error={dateError('ends')}
              errorParts={parts.ends}
            />
            <TextInput
              id="reason"
              label="Reason (optional)"
              hint={`Only shown on this page, never to service users. Up to ${REASON_MAX} characters.`}
              value={form.reason}
              onChange={(reason) => setForm({ ...form, reason })}
              error={errorFor(errors, 'reason')}
              autoComplete="off"
            />
            <button className="nhsuk-button" type="submit" aria-disabled={add.isPending || undefined}>
              {add.isPending ? 'Adding…' : 'Add closure'}
            </button>
          </form>
        </div>
      </div>
    </section>
  );
}
