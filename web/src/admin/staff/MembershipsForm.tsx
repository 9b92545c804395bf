import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { staffKeys } from '../../staff/staffApi.js';
import { adminKeys, replaceMemberships, type AdminService, type AdminStaff, type Membership } from '../adminApi.js';
import { problemsFrom } from '../problems.js';
import { RoleSelects } from './RoleSelects.js';
import { choicesFrom, membershipsFrom, type RoleChoices } from './roles.js';

type Props = {
  member: AdminStaff;
  services: AdminService[];
  isSelf: boolean;
  errors: FieldError[];
  setErrors: (errors: FieldError[]) => void;
  onSaved: () => void;
};

/**
 * A role (or no access) in each service the administrator looks after, saved with PUT. Roles in
 * services the administrator does not administer are not shown and the server leaves them alone.
 */
export function MembershipsForm({ member, services, isSelf, errors, setErrors, onSaved }: Props) {
  const queryClient = useQueryClient();
  const [choices, setChoices] = useState<RoleChoices>(() => choicesFrom(member.memberships, services));

  const save = useMutation({
    mutationFn: (memberships: Membership[]) => replaceMemberships(member.id, memberships),
    onMutate: () => setErrors([]),
    onSuccess: (updated) => {
      queryClient.setQueryData<AdminStaff[]>(adminKeys.staff, (list) =>
        list?.map((m) => (m.id === updated.id ? updated : m)),
      );
      setChoices(choicesFrom(updated.memberships, services));
      // Changing your own roles changes what you can see: services, inbox, even this area.
      if (isSelf) void queryClient.invalidateQueries({ queryKey: staffKeys.me });
      onSaved();
    },
    onError: (err) => setErrors(problemsFrom(err, () => undefined)),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!save.isPending) save.mutate(membershipsFrom(choices));
  };

  return (
    <section aria-labelledby="roles-heading" className="app-section">
      <h2 className="nhsuk-heading-m" id="roles-heading">
        Services and roles
      </h2>
      <ErrorSummary errors={errors} />
      {services.length === 0 ? (
        <p>There are no services to give roles in yet.</p>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <RoleSelects
            legend={`${member.name}’s role in each service`}
            hint="Clinicians reply to conversations. Supervisors can also transfer conversations between colleagues. Service admins can also change the service’s settings and staff roles."
            services={services}
            choices={choices}
            onChange={setChoices}
          />
          {isSelf && (
            <div className="nhsuk-warning-callout">
              <h3 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>
                  These are your own roles
                </span>
              </h3>
              <p>If you remove your service admin role, you will no longer be able to administer that service.</p>
            </div>
          )}
          <button className="nhsuk-button" type="submit" aria-disabled={save.isPending || undefined}>
            {save.isPending ? 'Saving…' : 'Save services and roles'}
          </button>
        </form>
      )}
    </section>
  );
}
