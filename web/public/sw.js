/* global self, fetch, URL */
// The web app's service worker, served from the site root (/sw.js) so its scope is the whole app.
// It shows the generic notification the server sends (never message content), then reports the
// notification's opaque tag so the message is counted as Notified. The report needs no session: a
// notification is often shown hours after the patient's session has ended, and the tag (a random
// id that only ever travels inside the payload encrypted to this device) is what proves the report.
// Same-origin fetch, so the session cookie goes with it while there is one; a report that is not
// accepted (an unknown tag, a rate limit, the network) changes nothing and is not retried.

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    // Not ours, or not JSON: still say something generic rather than nothing.
  }
  const tag = typeof data.tag === 'string' ? data.tag : undefined;
  const shown = self.registration.showNotification(data.title || 'NHS', {
    body: data.body || 'You have a new message.',
    tag,
    data: { url: data.url || '/inbox' },
  });
  const reported = shown.then(() =>
    tag
      ? fetch('/api/patient/push-displayed', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tag }),
        }).catch(() => undefined)
      : undefined,
  );
  event.waitUntil(reported);
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/inbox', self.location.origin);
  // Only ever opens a page of this site.
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(target.href));
});
