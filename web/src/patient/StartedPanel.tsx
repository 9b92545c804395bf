import { useState } from 'react';
import type { StartedDetails } from './handoff.js';

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  if (!navigator.clipboard) return null;
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };
  return (
    <>
      <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={copy}>
        {label}
      </button>
      <span role="status" className="app-copy-status">
        {copied === 'copied'
          ? 'Copied'
          : copied === 'failed'
            ? 'Could not copy. Select the text and copy it instead.'
            : ''}
      </span>
    </>
  );
}

/**
 * Shown once, straight after the first message: the short code and the resume link. Neither can
 * be fetched again, so the person is asked to note the code down now.
 */
export function StartedPanel({ details, onDismiss }: { details: StartedDetails; onDismiss: () => void }) {
  return (
    <div
      className="nhsuk-notification-banner nhsuk-notification-banner--success"
      role="region"
      aria-labelledby="started-title"
    >
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="started-title">
          Message sent
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">Your message has been sent to the team.</p>
        <p className="nhsuk-u-margin-bottom-1">Your code is:</p>
        <p className="app-code" id="started-code">
          {details.code}
        </p>
        <p>
          <strong>Write this code down now, somewhere private.</strong> You will not be shown it again. To come back to
          this conversation later, go to this service&apos;s page and choose &lsquo;Return to your conversation&rsquo;.
        </p>
        <p className="nhsuk-u-margin-bottom-1">Or keep this link somewhere only you can see it:</p>
        <p className="app-resume-link">{details.resumeUrl}</p>
        <p>
          <CopyButton text={details.resumeUrl} label="Copy link" />
        </p>
        <div className="nhsuk-warning-callout app-callout--compact">
          <h3 className="nhsuk-warning-callout__label">
            <span className="nhsuk-u-visually-hidden">Important: </span>
            Keep your code private
          </h3>
          <p>Do not share your code or link with anyone. Anyone who has them can read this conversation.</p>
        </div>
        <button
          className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0"
          type="button"
          onClick={onDismiss}
        >
          I have noted my code
        </button>
      </div>
    </div>
  );
}
