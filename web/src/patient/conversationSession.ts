/**
 * The conversation token lives in sessionStorage only: it disappears when the tab closes, which
 * matters on shared family and school devices. It never goes in localStorage, a cookie or a query
 * string. The resume link carries it in the URL fragment, which is moved here and wiped from the
 * address bar at once.
 */
const TOKEN_KEY = 'confide.conversationToken';
const SLUG_KEY = 'confide.serviceSlug';

// A 256-bit random token in a URL-safe alphabet (base64url or hex).
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,256}$/;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be switched off; the conversation then lasts only as long as the page.
    return null;
  }
}

let memoryToken: string | null = null;

export function saveConversation(token: string, slug?: string): void {
  memoryToken = token;
  const s = storage();
  s?.setItem(TOKEN_KEY, token);
  if (slug) s?.setItem(SLUG_KEY, slug);
}

export function rememberServiceSlug(slug: string): void {
  storage()?.setItem(SLUG_KEY, slug);
}

export function loadToken(): string | null {
  return storage()?.getItem(TOKEN_KEY) ?? memoryToken;
}

export function loadServiceSlug(): string | null {
  return storage()?.getItem(SLUG_KEY) ?? null;
}

export function forgetConversation(): void {
  memoryToken = null;
  storage()?.removeItem(TOKEN_KEY);
}

/** Moves a token from `#<token>` into sessionStorage and removes the fragment from the address bar. */
export function takeTokenFromFragment(): void {
  const fragment = window.location.hash.slice(1);
  if (!fragment) return;
  if (TOKEN_SHAPE.test(fragment)) saveConversation(fragment);
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}
