import { createBrowserRouter, Outlet } from 'react-router-dom';
import { AdminLayout } from './admin/AdminLayout.js';
import { CampaignsPage } from './admin/campaigns/CampaignsPage.js';
import { ClosuresPage } from './admin/closures/ClosuresPage.js';
import { AdminHomePage } from './admin/home/AdminHomePage.js';
import { OpeningHoursPage } from './admin/hours/OpeningHoursPage.js';
import { OrgAdminOnly } from './admin/OrgAdminOnly.js';
import { ServiceSettingsPage } from './admin/service/ServiceSettingsPage.js';
import { StaffListPage } from './admin/staff/StaffListPage.js';
import { StaffMemberPage } from './admin/staff/StaffMemberPage.js';
import { Header } from './shared/layout/Header.js';
import { PageShell } from './shared/layout/PageShell.js';
import { HomePage } from './shared/HomePage.js';
import { NotFoundPage } from './shared/NotFoundPage.js';
import { ConversationPage } from './patient/ConversationPage.js';
import { inboxRoutes } from './patient/inbox/inboxRoutes.js';
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
 * Patient inbox: /inbox (NHS login, then messages from every sender), /inbox/:id (one message)
 * Staff console: /staff/login, /staff/mfa-setup, /staff (inbox), /staff/conversations/:id
 * Administration (org admins, service admins): /staff/admin, /staff/admin/services/:id[/hours|/closures],
 *                /staff/admin/staff, /staff/admin/staff/:id
 * Campaigns (org admins): /staff/admin/campaigns, /staff/admin/campaigns/:clientId?campaign=<campaign id>
 */
export const router = createBrowserRouter([
  {
    element: <PatientLayout />,
    children: [
      { path: '/s/:slug', element: <ServicePage /> },
      { path: '/c', element: <ConversationPage /> },
    ],
  },
  inboxRoutes,
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
          {
            path: 'admin',
            element: <AdminLayout />,
            children: [
              { index: true, element: <AdminHomePage /> },
              { path: 'services/:id', element: <ServiceSettingsPage /> },
              { path: 'services/:id/hours', element: <OpeningHoursPage /> },
              { path: 'services/:id/closures', element: <ClosuresPage /> },
              { path: 'staff', element: <StaffListPage /> },
              { path: 'staff/:id', element: <StaffMemberPage /> },
              {
                path: 'campaigns',
                element: <OrgAdminOnly />,
                children: [
                  { index: true, element: <CampaignsPage /> },
                  // Loaded on first visit: the chart library is needed by this page alone.
                  {
                    path: ':clientId',
                    lazy: async () => ({ Component: (await import('./admin/campaigns/CampaignPage.js')).CampaignPage }),
                  },
                ],
              },
              { path: '*', element: <NotFoundPage area="Confide staff" /> },
            ],
          },
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
