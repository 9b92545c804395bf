import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { TextInput } from '../../shared/forms/TextInput.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { serviceHref } from '../access.js';
import { adminKeys, createService, type AdminService } from '../adminApi.js';
import { errorFor, problemsFrom, schemaProperty } from '../problems.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function validate(slug: string, name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!slug) errors.push({ fieldId: 'slug', text: 'Enter a web address name' });
  else if (!SLUG.test(slug))
    errors.push({
      fieldId: 'slug',
      text: 'The web address name must be 64 characters or fewer, using lower-case letters, digits and hyphens, and must not start or end with a hyphen',
    });
  if (!name) errors.push({ fieldId: 'service-name', text: 'Enter the service name' });
  else if (name.length > 100)
    errors.push({ fieldId: 'service-name', text: 'Service name must be 100 characters or fewer' });
  return errors;
}

function fieldFor(problem: string): string | undefined {
  const property = schemaProperty(problem);
  if (property === 'name' || problem.startsWith('Name')) return 'service-name';
  if (property === 'slug' || /web address/i.test(problem)) return 'slug';
  return undefined;
}

type Props = { errors: FieldError[]; setErrors: (errors: FieldError[]) => void };

/** Organisation admins: a new service from a web address name and a name; then straight to its settings. */
export function CreateServiceForm({ errors, setErrors }: Props) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');

  const create = useMutation({
    mutationFn: createService,
    onSuccess: (service) => {
      queryClient.setQueryData<AdminService[]>(adminKeys.services, (list) =>
        list ? [...list, service].sort((a, b) => a.name.localeCompare(b.name)) : list,
      );
      void navigate(serviceHref(service.id), { state: { created: true } });
    },
    onError: (err) => setErrors(problemsFrom(err, fieldFor)),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const problems = validate(slug.trim(), name.trim());
    setErrors(problems);
    if (problems.length === 0) create.mutate({ slug: slug.trim(), name: name.trim() });
  };

  return (
    <section aria-labelledby="create-service-heading" className="app-section">
      <h2 className="nhsuk-heading-m" id="create-service-heading">
        Create a service
      </h2>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <p>
            The new service starts with no opening hours and the standard automatic replies. You can change its settings
            next.
          </p>
          <form onSubmit={onSubmit} noValidate>
            <TextInput
              id="service-name"
              label="Service name"
              hint="For example, School nursing 11 to 19"
              value={name}
              onChange={setName}
              error={errorFor(errors, 'service-name')}
              autoComplete="off"
            />
            <TextInput
              id="slug"
              label="Web address name"
              hint="Service users open /s/ followed by this. Lower-case letters, digits and hyphens, for example school-nursing. It cannot be changed later."
              value={slug}
              onChange={setSlug}
              error={errorFor(errors, 'slug')}
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="none"
            />
            <button className="nhsuk-button" type="submit" aria-disabled={create.isPending || undefined}>
              {create.isPending ? 'Creating service…' : 'Create service'}
            </button>
          </form>
        </div>
      </div>
    </section>
  );
}
