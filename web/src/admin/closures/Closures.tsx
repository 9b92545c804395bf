import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../shared/api/http.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { focusById } from '../../shared/layout/focus.js';
import { Loading } from '../../shared/layout/StatusPanels.js';
import { adminKeys, deleteClosure, type AdminService, type Closure } from '../adminApi.js';
import { SuccessBanner } from '../forms/SuccessBanner.js';
import { LoadProblem } from '../LoadProblem.js';
import { useClosures } from '../queries.js';
import { useServicePageTitle } from '../service/ServiceFrame.js';
import { AddClosureForm } from './AddClosureForm.js';
import { describeClosure } from './closureForm.js';
import { ClosuresTable } from './ClosuresTable.js';
import { ConfirmDelete } from './ConfirmDelete.js';

type Notice = { n: number; heading: string; text: string } | null;

/** The current and upcoming closures, deleting one (after a confirmation), and adding one. */
export function Closures({ service }: { service: AdminService }) {
  const queryClient = useQueryClient();
  const closures = useClosures(service.id);
  const [confirming, setConfirming] = useState<Closure | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [formErrors, setFormErrors] = useState<FieldError[]>([]);
  const [deleteErrors, setDeleteErrors] = useState<FieldError[]>([]);
  useServicePageTitle(service, 'closures', formErrors.length > 0);

  const announce = (heading: string, text: string) => setNotice((n) => ({ n: (n?.n ?? 0) + 1, heading, text }));

  const remove = useMutation({
    mutationFn: (c: Closure) => deleteClosure(service.id, c.id),
    onMutate: () => setDeleteErrors([]),
    onSuccess: (_, c) => {
      queryClient.setQueryData<Closure[]>(adminKeys.closures(service.id), (list) => list?.filter((x) => x.id !== c.id));
      setConfirming(null);
      announce('Closure deleted', `The service is no longer closed from ${describeClosure(c)}.`);
    },
    onError: (err) => setDeleteErrors([{ text: errorMessage(err) }]),
  });

  const cancel = () => {
    const id = confirming?.id;
    setConfirming(null);
    setDeleteErrors([]);
    // Back to the button that asked, so keyboard users carry on where they were.
    if (id) window.setTimeout(() => focusById(`delete-${id}`), 0);
  };

  return (
    <>
      {notice && (
        <SuccessBanner key={notice.n} heading={notice.heading}>
          <p className="nhsuk-body">{notice.text}</p>
        </SuccessBanner>
      )}
      <ErrorSummary errors={formErrors} />
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            During a closure the service is shown as closed and people who write get the out-of-hours reply. Bank
            holidays are closed already. Closures that have ended are not listed.
          </p>
        </div>
      </div>
      <h2 className="nhsuk-heading-m">Current and upcoming closures</h2>
      {closures.isPending && <Loading what="Loading closures" />}
      {closures.isError && (
        <LoadProblem
          heading="We could not load the closures"
          error={closures.error}
          onRetry={() => void closures.refetch()}
        />
      )}
      {closures.data &&
        (closures.data.length === 0 ? (
          <p>There are no current or upcoming closures.</p>
        ) : (
          <ClosuresTable
            closures={closures.data}
            onDelete={(c) => {
              setNotice(null);
              setConfirming(c);
            }}
          />
        ))}
      {confirming && (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <ConfirmDelete
              closure={confirming}
              errors={deleteErrors}
              pending={remove.isPending}
              onConfirm={() => remove.mutate(confirming)}
              onCancel={cancel}
            />
          </div>
        </div>
      )}
      <AddClosureForm
        serviceId={service.id}
        errors={formErrors}
        setErrors={setFormErrors}
        onAdded={(c) => {
          setConfirming(null);
          announce('Closure added', `The service is closed from ${describeClosure(c)}.`);
        }}
      />
    </>
  );
}
