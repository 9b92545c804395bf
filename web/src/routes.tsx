import { createBrowserRouter, Outlet } from 'react-router-dom';
import { Header } from './shared/layout/Header.js';
import { PageShell } from './shared/layout/PageShell.js';
import { HomePage } from './shared/HomePage.js';
import { NotFoundPage } from './shared/NotFoundPage.js';
import { ConversationPage } from './patient/ConversationPage.js';
import { PatientLayout } from './patient/PatientLayout.js';
import { ServicePage } from './patient/ServicePage.js';
import { ConversationDetailPage } from './staff/conversation/ConversationDetailPage.js';
import { InboxPage } from './staff/inbox/InboxPage.js';
import { LoginPage } from './staff/login/LoginPage.js';
import { MfaSetupPage } from './staff/login/MfaSetupPage.js';
import { StaffPublicLayout } from './staff/StaffPublicLayout.js';
import { StaffShell } from './staff/StaffShell.js';

function PlainLayout() {
  return (
    <PageShell header={<Header serviceName="Confide" homeHref="/" />}>
      <Outlet />
    </PageShell>
  );
}

/**
 * Patient app:   /s/:slug (service page, start, return with a code), /c (conversation; /c#<token>)
 * Staff console: /staff/login, /staff/mfa-setup, /staff (inbox), /staff/conversations/:id
 */
export const router = createBrowserRouter([
  {
    element: <PatientLayout />,
    children: [
      { path: '/s/:slug', element: <ServicePage /> },
      { path: '/c', element: <ConversationPage /> },
    ],
  },
  {
    path: '/staff',
    children: [
      {
        element: <StaffPublicLayout />,
        children: [
          { path: 'login', element: <LoginPage /> },
          { path: 'mfa-setup', element: <MfaSetupPage /> },
        ],
      },
      {
        element: <StaffShell />,
        children: [
          { index: true, element: <InboxPage /> },
          { path: 'conversations/:id', element: <ConversationDetailPage /> },
          { path: '*', element: <NotFoundPage area="Confide staff" /> },
        ],
      },
    ],
  },
  {
    element: <PlainLayout />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
