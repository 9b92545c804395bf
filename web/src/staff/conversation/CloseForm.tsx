import { useState, type FormEvent } from 'react';
import type { ConversationDetail } from '../../shared/api/types.js';
import { Radios } from '../../shared/forms/Radios.js';
import { ErrorSummary } from '../../shared/layout/ErrorSummary.js';
import { closeConversation } from '../staffApi.js';
import { useConversationAction } from './useConversationAction.js';

type CloseBody = { outcome: string; recordedInClinicalRecord: boolean };

/** Close with an outcome (required) and whether it was written into the clinical record. */
export function CloseForm({ conversation }: { conversation: ConversationDetail }) {
  const [outcome, setOutcome] = useState('');
  const [recorded, setRecorded] = useState(false);
  const action = useConversationAction((body: CloseBody) => closeConversation(conversation.id, body), 'outcome');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (action.mutation.isPending) return;
    if (!outcome) {
      action.setErrors([{ fieldId: 'outcome', text: 'Select an outcome before closing the conversation' }]);
      return;
    }
    action.mutation.mutate({ outcome, recordedInClinicalRecord: recorded });
  };

  return (
    <section aria-labelledby="close-heading" className="app-panel">
      <h2 id="close-heading" className="nhsuk-heading-s">
        Close conversation
      </h2>
      <ErrorSummary errors={action.errors} />
      <form onSubmit={onSubmit} noValidate>
        <Radios
          name="outcome"
          legend="Outcome"
          options={conversation.outcomes.map((o) => ({ value: o, label: o }))}
          value={outcome}
          onChange={setOutcome}
          error={action.errors[0]?.text}
          small
        />
        <div className="nhsuk-form-group">
          <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
            <div className="nhsuk-checkboxes__item">
              <input
                className="nhsuk-checkboxes__input"
                id="recorded"
                name="recorded"
                type="checkbox"
                checked={recorded}
                onChange={(e) => setRecorded(e.target.checked)}
              />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="recorded">
                Written into the clinical record
              </label>
            </div>
          </div>
        </div>
        <button
          className="nhsuk-button nhsuk-button--warning nhsuk-button--small"
          type="submit"
          aria-disabled={action.mutation.isPending || undefined}
        >
          {action.mutation.isPending ? 'Closing…' : 'Close conversation'}
        </button>
      </form>
    </section>
  );
}
