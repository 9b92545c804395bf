import type { RouteObject } from 'react-router-dom';

/**
 * Loaded on the first visit to /inbox: the markdown parser these pages need is about 40 kB
 * gzipped, which every other page (a service user's conversation on a phone among them) would
 * otherwise download too.
 */
export const inboxRoutes: RouteObject = {
  path: '/inbox',
  lazy: async () => ({ Component: (await import('./InboxLayout.js')).InboxLayout }),
  // Nothing to show before the first screen is loaded; the page is blank for that moment anyway.
  HydrateFallback: () => null,
  children: [
    { index: true, lazy: async () => ({ Component: (await import('./InboxPage.js')).InboxPage }) },
    { path: ':id', lazy: async () => ({ Component: (await import('./MessagePage.js')).MessagePage }) },
  ],
};
