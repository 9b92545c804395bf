/**
 * The destination as the browser will read it, when it is an https URL without a username or
 * password (those let a link show one host and go to another); otherwise null. Parsing with URL
 * rather than matching a prefix means spaces, control characters and odd casing cannot disguise
 * a `javascript:` or `data:` URL.
 */
function httpsUrl(raw: string | number | null): string | null {
  if (typeof raw !== 'string' || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

/**
 * `httpsUrl`, and only to a host the sender may link to: the exact-host rule the server applies
 * when a message is sent, applied again when it is shown.
 */
export function allowedUrl(raw: string | number | null, linkDomains: readonly string[]): string | null {
  const href = httpsUrl(raw);
  return href !== null && linkDomains.includes(new URL(href).hostname) ? href : null;
}
