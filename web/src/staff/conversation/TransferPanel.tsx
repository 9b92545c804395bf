import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ConversationDetail } from '../../shared/api/types.js';
import { Select } from '../../shared/forms/Select.js';
import { TextInput } from '../../shared/forms/TextInput.js';
import type { FieldError } from '../../shared/layout/ErrorSummary.js';
import { ErrorSummary } from '../../shared/layout/ErrorSummary.js';
import { getServices, staffKeys, transfer } from '../staffApi.js';
import { useConversationAction } from './useConversationAction.js';

/**
 * Send the conversation to another team of the organisation. It leaves this team's queue, so on
 * success the member goes back to the inbox.
 */
export function TransferPanel({ conversation }: { conversation: ConversationDetail }) {
  const navigate = useNavigate();
  const [serviceId, setServiceId] = useState('');
  const [reason, setReason] = useState('');
  const services = useQuery({
    queryKey: staffKeys.services,
    queryFn: ({ signal }) => getServices(signal),
    staleTime: 5 * 60_000,
  });
  const action = useConversationAction(
    (body: { serviceId: string; reason: string }) => transfer(conversation.id, body),
    'transfer-to',
  );
  const others = services.data?.services.filter((s) => s.id !== conversation.serviceId) ?? [];
  if (services.data && others.length === 0) return null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (action.mutation.isPending) return;
    const problems: FieldError[] = [];
    if (!serviceId)
      problems.push({ fieldId: 'transfer-to', text: 'Select the service to transfer this conversation to' });
    if (!reason.trim())
      problems.push({ fieldId: 'transfer-reason', text: 'Enter why you are transferring this conversation' });
    if (problems.length > 0) {
      action.setErrors(problems);
      return;
    }
    action.mutation.mutate({ serviceId, reason }, { onSuccess: () => void navigate('/staff') });
  };
  const errorFor = (id: string) => action.errors.find((e) => e.fieldId === id)?.text;
  const serviceError = errorFor('transfer-to');

  return (
    <section aria-labelledby="transfer-heading" className="app-panel">
      <h2 id="transfer-heading" className="nhsuk-heading-s">
        Transfer to another service
      </h2>
      <ErrorSummary errors={action.errors} />
      <form onSubmit={onSubmit} noValidate>
        <Select
          id="transfer-to"
          label="Service"
          value={serviceId}
          onChange={setServiceId}
          selectClass="app-select-full"
          disabled={!services.data}
          {...(serviceError ? { error: serviceError } : {})}
          options={[
            {
              value: '',
              label: services.isError ? 'Could not load services' : services.data ? 'Choose a service' : 'Loading…',
            },
            ...others.map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
        <TextInput
          id="transfer-reason"
          label="Reason"
          hint="Recorded in the transcript for the receiving team."
          value={reason}
          onChange={setReason}
          maxLength={500}
          {...(errorFor('transfer-reason') ? { error: errorFor('transfer-reason') } : {})}
        />
        <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
          Transfer
        </button>
      </form>
    </section>
  );
}
