import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ConversationDetail } from '../../shared/api/types.js';
import { Select } from '../../shared/forms/Select.js';
import { ErrorSummary } from '../../shared/layout/ErrorSummary.js';
import { assign, claim, getMembers, staffKeys } from '../staffApi.js';
import { useStaffMe } from '../useStaffMe.js';
import { useConversationAction } from './useConversationAction.js';

/** Claim the conversation, or hand it to a colleague in the same service. */
export function AssignPanel({ conversation }: { conversation: ConversationDetail }) {
  const me = useStaffMe();
  const [staffId, setStaffId] = useState('');
  const members = useQuery({
    queryKey: staffKeys.members(conversation.serviceId),
    queryFn: ({ signal }) => getMembers(conversation.serviceId, signal),
    staleTime: 5 * 60_000,
  });
  const claimAction = useConversationAction(() => claim(conversation.id));
  const assignAction = useConversationAction((id: string) => assign(conversation.id, id), 'assign-to');
  const mine = conversation.assignedTo?.id === me.id;

  const onAssign = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (assignAction.mutation.isPending) return;
    if (!staffId) {
      assignAction.setErrors([{ fieldId: 'assign-to', text: 'Select a colleague to assign this conversation to' }]);
      return;
    }
    assignAction.mutation.mutate(staffId, { onSuccess: () => setStaffId('') });
  };
  const assignError = assignAction.errors[0]?.text;

  return (
    <section aria-labelledby="assign-heading" className="app-panel">
      <h2 id="assign-heading" className="nhsuk-heading-s">
        Assignment
      </h2>
      <p>{conversation.assignedTo ? `Assigned to ${mine ? 'you' : conversation.assignedTo.name}.` : 'Not assigned.'}</p>
      <ErrorSummary errors={[...claimAction.errors, ...assignAction.errors]} />
      {!mine && (
        <button
          className="nhsuk-button nhsuk-button--small"
          type="button"
          aria-disabled={claimAction.mutation.isPending || undefined}
          onClick={() => {
            if (!claimAction.mutation.isPending) claimAction.mutation.mutate(undefined);
          }}
        >
          {conversation.assignedTo ? 'Take over this conversation' : 'Claim this conversation'}
        </button>
      )}
      <form onSubmit={onAssign} noValidate>
        <Select
          id="assign-to"
          label="Assign to a colleague"
          value={staffId}
          onChange={setStaffId}
          selectClass="app-select-full"
          disabled={!members.data}
          {...(assignError ? { error: assignError } : {})}
          options={[
            {
              value: '',
              label: members.isError ? 'Could not load colleagues' : members.data ? 'Choose a colleague' : 'Loading…',
            },
            ...(members.data?.members ?? [])
              .filter((m) => m.staffId !== conversation.assignedTo?.id)
              .map((m) => ({ value: m.staffId, label: m.staffId === me.id ? `${m.name} (you)` : m.name })),
          ]}
        />
        <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">
          Assign
        </button>
      </form>
    </section>
  );
}
