import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The NHS success notification banner. It takes focus when it appears (as the error summary
 * does) so keyboard and screen reader users hear that the change was saved.
 */
export function SuccessBanner({ heading, children }: { heading: string; children?: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [heading]);
  return (
    <div
      className="nhsuk-notification-banner nhsuk-notification-banner--success"
      role="alert"
      aria-labelledby="success-banner-title"
      tabIndex={-1}
      ref={box}
    >
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="success-banner-title">
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <h3 className="nhsuk-notification-banner__heading">{heading}</h3>
        {children}
      </div>
    </div>
  );
}
