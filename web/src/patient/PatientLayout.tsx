import { Outlet } from 'react-router-dom';
import { Header } from '../shared/layout/Header.js';
import { PageShell } from '../shared/layout/PageShell.js';
import { HandoffProvider } from './handoff.js';

export const PATIENT_AREA = 'Confidential messaging';

export function PatientLayout() {
  return (
    <HandoffProvider>
      <PageShell header={<Header serviceName={PATIENT_AREA} homeHref="/" />}>
        <Outlet />
      </PageShell>
    </HandoffProvider>
  );
}
