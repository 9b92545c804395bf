import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../shared/api/http.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { adminKeys, disableStaff, type AdminStaff } from '../adminApi.js';

/** Organisation admins: disable an account (signs it out everywhere), after being asked once more. */
type Props = { member: AdminStaff; onConfirming: () => void; onDisabled: (revoked: number) => void };

export function DisableAccount({ member, onConfirming, onDisabled }: Props) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);

  useEffect(() => {
    if (confirming) heading.current?.focus();
    else if (asked.current) startButton.current?.focus();
  }, [confirming]);

  const disable = useMutation({
    mutationFn: () => disableStaff(member.id),
    onMutate: () => setErrors([]),
    onSuccess: (result) => {
      queryClient.setQueryData<AdminStaff[]>(adminKeys.staff, (list) =>
        list?.map((m) => (m.id === member.id ? { ...m, disabled: true } : m)),
      );
      onDisabled(result.sessionsRevoked);
    },
    onError: (err) => setErrors([{ text: errorMessage(err) }]),
  });

  if (!confirming) {
    return (
      <section aria-labelledby="disable-heading" className="app-section">
        <h2 className="nhsuk-heading-m" id="disable-heading">
          Disable account
        </h2>
        <p>
          Disable the account when someone leaves or should no longer have access. They are signed out at once and
          cannot sign in again. Their messages stay in the conversations.
        </p>
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          ref={startButton}
          onClick={() => {
            asked.current = true;
            onConfirming();
            setConfirming(true);
          }}
        >
          Disable account
        </button>
      </section>
    );
  }
  return (
    <section className="nhsuk-card app-confirm app-section" aria-labelledby="confirm-disable-heading">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id="confirm-disable-heading" tabIndex={-1} ref={heading}>
          Are you sure you want to disable {member.name}’s account?
        </h2>
        <ErrorSummary errors={errors} />
        <p>
          {member.name} ({member.email}) will be signed out everywhere and will not be able to sign in. These pages
          cannot enable an account again.
        </p>
        <div className="app-button-group">
          <button
            className="nhsuk-button nhsuk-button--warning"
            type="button"
            aria-disabled={disable.isPending || undefined}
            onClick={() => {
              if (!disable.isPending) disable.mutate();
            }}
          >
            Yes, disable account
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => setConfirming(false)}>
            No, keep it active
          </button>
        </div>
      </div>
    </section>
  );
}
