import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useClientRef } from '../shared/api/clientRef.js';
import type { PublicService, StartConversationBody } from '../shared/api/types.js';
import { MessageTextarea } from '../shared/forms/MessageTextarea.js';
import { Radios } from '../shared/forms/Radios.js';
import { TextInput } from '../shared/forms/TextInput.js';
import { ErrorSummary, type FieldError } from '../shared/layout/ErrorSummary.js';
import { saveConversation } from './conversationSession.js';
import { useHandoff } from './handoff.js';
import { publicKeys, startConversation } from './publicApi.js';
import { serverError, validateMessage } from '../shared/forms/messageValidation.js';

const PREFER_NOT_TO_SAY = 'prefer-not-to-say';

/** The first message, with only the details this service asks for. Every detail is optional. */
export function StartForm({ service }: { service: PublicService }) {
  const [firstName, setFirstName] = useState('');
  const [ageRange, setAgeRange] = useState('');
  const [school, setSchool] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const { refFor } = useClientRef();
  const { setStarted } = useHandoff();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const start = useMutation({
    mutationFn: (body: StartConversationBody) => startConversation(service.slug, body),
    onSuccess: (started) => {
      saveConversation(started.token, service.slug);
      setStarted({ code: started.code, resumeUrl: started.resumeUrl });
      queryClient.removeQueries({ queryKey: publicKeys.conversation });
      void navigate('/c');
    },
    onError: (err) => setErrors([serverError(err, 'message')]),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (start.isPending) return;
    const problem = validateMessage(message, 'message');
    setErrors(problem ? [problem] : []);
    if (problem) return;
    const content: Omit<StartConversationBody, 'clientRef'> = { message: message.trim() };
    if (service.asks.firstName && firstName.trim()) content.firstName = firstName.trim();
    if (service.asks.ageRange && ageRange && ageRange !== PREFER_NOT_TO_SAY) content.ageRange = ageRange;
    if (service.asks.school && school.trim()) content.school = school.trim();
    // The same content resubmitted (double click, retry after a lost connection) reuses its clientRef.
    start.mutate({ ...content, clientRef: refFor(content) });
  };

  const messageError = errors.find((e) => e.fieldId === 'message')?.text;
  return (
    <section aria-labelledby="start-heading" className="app-section">
      <h2 id="start-heading" className="nhsuk-heading-l">
        Send us a message
      </h2>
      <ErrorSummary errors={errors} />
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>
          You can stay anonymous. You do not have to tell us your name, and we do not ask for your phone number or email
          address.
        </p>
      </div>
      <form onSubmit={onSubmit} noValidate>
        {service.asks.firstName && (
          <TextInput
            id="firstName"
            label="Your first name (optional)"
            hint="You can use a nickname, or leave this blank."
            value={firstName}
            onChange={setFirstName}
            autoComplete="off"
            spellCheck={false}
            maxLength={100}
            widthClass="nhsuk-input--width-20"
          />
        )}
        {service.asks.ageRange && service.ageRanges.length > 0 && (
          <Radios
            name="ageRange"
            legend="How old are you? (optional)"
            options={[
              ...service.ageRanges.map((r) => ({ value: r, label: r })),
              { value: PREFER_NOT_TO_SAY, label: 'I would rather not say' },
            ]}
            value={ageRange}
            onChange={setAgeRange}
            small
          />
        )}
        {service.asks.school && (
          <TextInput
            id="school"
            label="Your school or college (optional)"
            value={school}
            onChange={setSchool}
            autoComplete="off"
            maxLength={200}
          />
        )}
        <MessageTextarea
          id="message"
          label="Your message"
          labelClass="nhsuk-label--s"
          hint="Tell us what you would like help or advice with."
          error={messageError}
          value={message}
          onChange={setMessage}
          rows={6}
        />
        <button className="nhsuk-button" type="submit" aria-disabled={start.isPending || undefined}>
          {start.isPending ? 'Sending…' : 'Send message'}
        </button>
      </form>
    </section>
  );
}
