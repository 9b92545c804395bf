import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { MessageTextarea } from '../../shared/forms/MessageTextarea.js';
import { Radios } from '../../shared/forms/Radios.js';
import { TextInput } from '../../shared/forms/TextInput.js';
import { ErrorSummary, type FieldError } from '../../shared/layout/ErrorSummary.js';
import { serviceHref } from '../access.js';
import { updateService, type AdminService, type Nation, type ServicePatch } from '../adminApi.js';
import { Checkboxes, SingleCheckbox } from '../forms/Checkboxes.js';
import { SuccessBanner } from '../forms/SuccessBanner.js';
import { Textarea } from '../forms/Textarea.js';
import { errorFor, problemsFrom } from '../problems.js';
import { useServicePageTitle } from './ServiceFrame.js';
import {
  FIELD_IDS,
  formFromService,
  LIMITS,
  patchFrom,
  settingsFieldFor,
  validateSettings,
  type SettingsForm as Form,
} from './settingsForm.js';
import { useSaveService } from './useSaveService.js';

const NATIONS: { value: Nation; label: string }[] = [
  { value: 'england-and-wales', label: 'England and Wales' },
  { value: 'scotland', label: 'Scotland' },
  { value: 'northern-ireland', label: 'Northern Ireland' },
];

type Notice = { kind: 'created' | 'saved' | 'unchanged'; n: number } | null;

/** Every setting of one service, saved together with PATCH (only the settings that changed are sent). */
export function SettingsForm({ service }: { service: AdminService }) {
  const [form, setForm] = useState<Form>(() => formFromService(service));
  const [errors, setErrors] = useState<FieldError[]>([]);
  // Straight after "Create a service" on the administration page.
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const [notice, setNotice] = useState<Notice>(created ? { kind: 'created', n: 0 } : null);
  useServicePageTitle(service, '', errors.length > 0);

  const save = useSaveService(
    (patch: ServicePatch) => updateService(service.id, patch),
    (saved) => {
      setForm(formFromService(saved));
      setNotice((n) => ({ kind: 'saved', n: (n?.n ?? 0) + 1 }));
    },
  );
  const set =
    <K extends keyof Form>(key: K) =>
    (value: Form[K]) =>
      setForm((f) => ({ ...f, [key]: value }));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (save.isPending) return;
    setNotice(null);
    const problems = validateSettings(form);
    setErrors(problems);
    if (problems.length > 0) return;
    const patch = patchFrom(form, service);
    if (Object.keys(patch).length === 0) {
      setNotice((n) => ({ kind: 'unchanged', n: (n?.n ?? 0) + 1 }));
      return;
    }
    save.mutate(patch, { onError: (err) => setErrors(problemsFrom(err, settingsFieldFor)) });
  };
  const err = (key: keyof Form) => errorFor(errors, FIELD_IDS[key]);

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {notice?.kind === 'saved' && (
          <SuccessBanner key={notice.n} heading="Settings saved">
            <p className="nhsuk-body">
              Service users see the changes on <Link to={`/s/${service.slug}`}>/s/{service.slug}</Link> straight away.
            </p>
          </SuccessBanner>
        )}
        {notice?.kind === 'created' && (
          <SuccessBanner key={notice.n} heading={`${service.name} created`}>
            <p className="nhsuk-body">
              Check its settings, then <Link to={serviceHref(service.id, 'hours')}>set its opening hours</Link>. Until
              then it is shown as closed.
            </p>
          </SuccessBanner>
        )}
        {notice?.kind === 'unchanged' && (
          <div className="nhsuk-inset-text" role="status" key={notice.n}>
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>You have not changed any settings, so there was nothing to save.</p>
          </div>
        )}
        <ErrorSummary errors={errors} />
        <form onSubmit={onSubmit} noValidate>
          <h2 className="nhsuk-heading-m">About the service</h2>
          <TextInput
            id={FIELD_IDS.name}
            label="Service name"
            value={form.name}
            onChange={set('name')}
            error={err('name')}
            autoComplete="off"
          />
          <TextInput
            id={FIELD_IDS.audience}
            label="Who the service is for (optional)"
            hint="For example, young people aged 11 to 19 in Leeds"
            value={form.audience}
            onChange={set('audience')}
            error={err('audience')}
            autoComplete="off"
          />
          <MessageTextarea
            id={FIELD_IDS.description}
            label="Description (optional)"
            hint="What the team can help with. Shown on the service page."
            value={form.description}
            onChange={set('description')}
            error={err('description')}
            maxLength={LIMITS.description}
            rows={4}
          />
          <TextInput
            id={FIELD_IDS.contactPromise}
            label="Contact promise"
            hint="When people can expect a reply, in plain words. For example, we reply within one working day."
            value={form.contactPromise}
            onChange={set('contactPromise')}
            error={err('contactPromise')}
            autoComplete="off"
          />

          <h2 className="nhsuk-heading-m app-admin-fieldset-group">Starting a conversation</h2>
          <Checkboxes
            legend="What the start form asks for"
            hint="Select all that apply. Every question is optional for the person answering."
            idPrefix="asks"
            items={[
              {
                id: FIELD_IDS.asksFirstName,
                label: 'First name',
                checked: form.asksFirstName,
                onChange: set('asksFirstName'),
              },
              {
                id: FIELD_IDS.asksAgeRange,
                label: 'Age range',
                checked: form.asksAgeRange,
                onChange: set('asksAgeRange'),
              },
              { id: FIELD_IDS.asksSchool, label: 'School', checked: form.asksSchool, onChange: set('asksSchool') },
            ]}
          />
          <Textarea
            id={FIELD_IDS.ageRanges}
            label="Age ranges"
            hint={'Enter each age range on its own line, for example 11-13. Up to 20, each 20 characters or fewer.'}
            value={form.ageRanges}
            onChange={set('ageRanges')}
            error={err('ageRanges')}
            spellCheck={false}
          />
          <Textarea
            id={FIELD_IDS.outcomes}
            label="Outcomes"
            hint="Clinicians choose one of these when they close a conversation. Enter each on its own line, up to 20."
            value={form.outcomes}
            onChange={set('outcomes')}
            error={err('outcomes')}
            rows={6}
          />

          <h2 className="nhsuk-heading-m app-admin-fieldset-group">Automatic replies</h2>
          <MessageTextarea
            id={FIELD_IDS.welcomeMessage}
            label="Welcome message"
            hint="Sent straight after someone’s first message."
            value={form.welcomeMessage}
            onChange={set('welcomeMessage')}
            error={err('welcomeMessage')}
            maxLength={LIMITS.message}
          />
          <MessageTextarea
            id={FIELD_IDS.outOfHoursMessage}
            label="Out-of-hours message"
            hint="Sent when someone writes while the team is not working. It must keep telling people to call 999 in an emergency or NHS 111 for urgent advice, so nobody waits for a reply when they need help now."
            value={form.outOfHoursMessage}
            onChange={set('outOfHoursMessage')}
            error={err('outOfHoursMessage')}
            maxLength={LIMITS.message}
          />

          <h2 className="nhsuk-heading-m app-admin-fieldset-group">Replies and availability</h2>
          <TextInput
            id={FIELD_IDS.responseTarget}
            label="Response target in working hours"
            hint="How long the team aims to take to reply, counting only opening hours. From 0.5 to 120."
            value={form.responseTarget}
            onChange={set('responseTarget')}
            error={err('responseTarget')}
            inputMode="decimal"
            widthClass="nhsuk-input--width-4"
            autoComplete="off"
            spellCheck={false}
          />
          <Radios
            name={FIELD_IDS.nation}
            legend="Bank holidays"
            hint="The service is closed on the bank holidays of this part of the UK."
            options={NATIONS}
            value={form.nation}
            onChange={(v) => set('nation')(v as Nation)}
            small
          />
          <SingleCheckbox
            id={FIELD_IDS.active}
            label="The service is active"
            hint={`When it is not active, its web address /s/${service.slug} stops working and nobody can start a new conversation.`}
            checked={form.active}
            onChange={set('active')}
          />

          <button className="nhsuk-button" type="submit" aria-disabled={save.isPending || undefined}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
        </form>
      </div>
    </div>
  );
}
