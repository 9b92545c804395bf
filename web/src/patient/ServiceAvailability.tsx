import type { PublicService } from '../shared/api/types.js';
import { formatFull, formatNextOpening } from '../shared/time/londonTime.js';
import { useNow } from '../shared/time/useNow.js';
import { OpeningHours } from './OpeningHours.js';

/** Whether the team is working now, when it next opens, and how soon it promises to reply. */
export function ServiceAvailability({ service }: { service: PublicService }) {
  const now = useNow(60_000);
  return (
    <section aria-labelledby="availability-heading">
      <h2 id="availability-heading" className="nhsuk-heading-m">
        When we reply
      </h2>
      <p>
        {service.openNow ? (
          <strong className="nhsuk-tag nhsuk-tag--green">Open now</strong>
        ) : (
          <strong className="nhsuk-tag nhsuk-tag--grey">Closed now</strong>
        )}
      </p>
      {!service.openNow && (
        <p>
          {service.nextOpening ? (
            <>
              We next open{' '}
              <time dateTime={service.nextOpening} title={formatFull(service.nextOpening)}>
                {formatNextOpening(service.nextOpening, now)}
              </time>
              .{' '}
            </>
          ) : null}
          You can still send a message now. We will read it when we are next open.
        </p>
      )}
      <p>{service.contactPromise}</p>
      <OpeningHours periods={service.openingHours} />
    </section>
  );
}
