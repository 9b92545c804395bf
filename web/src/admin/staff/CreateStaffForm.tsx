import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TextInput } from '../../shared/forms/TextInput.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { adminKeys, createStaff, type AdminService, type AdminStaff, type NewStaff } from '../adminApi.js';
import { SingleCheckbox } from '../forms/Checkboxes.js';
import { errorFor, problemsFrom } from '../problems.js';
import { RoleSelects } from './RoleSelects.js';
import { choicesFrom, membershipsFrom, type RoleChoices } from './roles.js';
import { MIN_PASSWORD, newStaffFieldFor, validateNewStaff, type NewStaffForm } from './staffForm.js';

type Props = {
  services: AdminService[];
  errors: FieldError[];
  setErrors: (errors: FieldError[]) => void;
  onCreated: (member: AdminStaff) => void;
};

const EMPTY: NewStaffForm = { name: '', email: '', password: '', isOrgAdmin: false };

/** Organisation admins only: a new account with an initial password and, optionally, roles in services. */
export function CreateStaffForm({ services, errors, setErrors, onCreated }: Props) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<NewStaffForm>(EMPTY);
  const [choices, setChoices] = useState<RoleChoices>(() => choicesFrom([], services));

  const create = useMutation({
    mutationFn: (body: NewStaff) => createStaff(body),
    onSuccess: (member) => {
      queryClient.setQueryData<AdminStaff[]>(adminKeys.staff, (list) =>
        list ? [...list, member].sort((a, b) => a.name.localeCompare(b.name)) : list,
      );
      setForm(EMPTY);
      setChoices(choicesFrom([], services));
      onCreated(member);
    },
    onError: (err) => setErrors(problemsFrom(err, newStaffFieldFor)),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const problems = validateNewStaff(form);
    setErrors(problems);
    if (problems.length > 0) return;
    create.mutate({
      name: form.name.trim(),
      email: form.email.trim(),
      password: form.password,
      isOrgAdmin: form.isOrgAdmin,
      memberships: membershipsFrom(choices),
    });
  };
  const set =
    <K extends keyof NewStaffForm>(key: K) =>
    (value: NewStaffForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));

  return (
    <section aria-labelledby="create-staff-heading" className="app-section">
      <h2 className="nhsuk-heading-m" id="create-staff-heading">
        Create a staff account
      </h2>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <form onSubmit={onSubmit} noValidate>
            <TextInput
              id="staff-name"
              label="Full name"
              hint="Colleagues see this name. Service users see it on replies."
              value={form.name}
              onChange={set('name')}
              error={errorFor(errors, 'staff-name')}
              autoComplete="off"
              spellCheck={false}
            />
            <TextInput
              id="staff-email"
              label="Email address"
              hint="They sign in with this."
              type="email"
              value={form.email}
              onChange={set('email')}
              error={errorFor(errors, 'staff-email')}
              autoComplete="off"
              spellCheck={false}
            />
            <TextInput
              id="staff-password"
              label="Initial password"
              hint={`At least ${MIN_PASSWORD} characters. Give it to them in person or by phone, not by email.`}
              type="password"
              value={form.password}
              onChange={set('password')}
              error={errorFor(errors, 'staff-password')}
              autoComplete="new-password"
            />
            <SingleCheckbox
              id="staff-org-admin"
              label="Organisation admin"
              hint="Can create services and staff accounts, and administer every service in the organisation."
              checked={form.isOrgAdmin}
              onChange={set('isOrgAdmin')}
            />
            {services.length > 0 && (
              <RoleSelects
                legend="Services and roles"
                hint="Choose a role in each service they work in. You can change these later."
                services={services}
                choices={choices}
                onChange={setChoices}
              />
            )}
            <button className="nhsuk-button" type="submit" aria-disabled={create.isPending || undefined}>
              {create.isPending ? 'Creating account…' : 'Create account'}
            </button>
          </form>
        </div>
      </div>
    </section>
  );
}
