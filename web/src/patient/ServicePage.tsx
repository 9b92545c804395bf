import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useParams } from 'react-router-dom';
import { isApiError } from '../shared/api/http.js';
import { CrisisCallout } from '../shared/layout/CrisisCallout.js';
import { Loading, ProblemPanel } from '../shared/layout/StatusPanels.js';
import { usePageTitle } from '../shared/layout/usePageTitle.js';
import { rememberServiceSlug } from './conversationSession.js';
import { PATIENT_AREA } from './PatientLayout.js';
import { getService, publicKeys } from './publicApi.js';
import { ResumeForm } from './ResumeForm.js';
import { ServiceAvailability } from './ServiceAvailability.js';
import { StartForm } from './StartForm.js';

/** /s/:slug — about the service, the crisis warning, the start form and the way back in with a code. */
export function ServicePage() {
  const slug = useParams().slug ?? '';
  const query = useQuery({
    queryKey: publicKeys.service(slug),
    queryFn: ({ signal }) => getService(slug, signal),
  });
  const service = query.data;
  const notFound = isApiError(query.error, 404);
  usePageTitle(
    service?.name ?? (notFound ? 'Service not found' : query.isError ? 'Service unavailable' : 'Loading'),
    PATIENT_AREA,
  );
  useEffect(() => {
    if (service) rememberServiceSlug(service.slug);
  }, [service]);

  if (query.isPending) {
    return (
      <>
        <h1>Message a health team</h1>
        <Loading what="Loading the service" />
        <CrisisCallout />
      </>
    );
  }
  if (!service) {
    return (
      <>
        <h1>{notFound ? 'Service not found' : 'Sorry, there is a problem with the service'}</h1>
        {notFound ? (
          <p>Check the web address you were given. The service may have moved or closed.</p>
        ) : (
          <ProblemPanel heading="We could not load this service">
            <p>Check your internet connection and try again in a few minutes.</p>
            <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void query.refetch()}>
              Try again
            </button>
          </ProblemPanel>
        )}
        <CrisisCallout />
      </>
    );
  }

  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">
          {service.organisationName}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
        {service.name}
      </h1>
      <p className="nhsuk-lede-text app-preserve-lines">{service.description}</p>
      {service.audience && (
        <p>
          <strong>Who this service is for:</strong> {service.audience}
        </p>
      )}
      <CrisisCallout message={service.crisisMessage} />
      <ServiceAvailability service={service} />
      <StartForm service={service} />
      <ResumeForm slug={service.slug} />
    </>
  );
}
