/**
 * The destination as the browser will read it, when it is an https URL without a username or
 * password (those let a link show one host and go to another); otherwise null. Parsing with URL
 * rather than matching a prefix means spaces, control characters and odd casing cannot disguise
 * a `javascript:` or `data:` URL.
 */
export function httpsUrl(raw: string | number | null): string | null {
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
