import { useCallback, useRef } from 'react';

/**
 * A client reference for idempotent creates: 32 characters of [0-9a-f]. getRandomValues rather
 * than randomUUID because the latter only exists in secure contexts.
 */
export function newClientRef(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One clientRef per submission attempt: retrying the same content (after a timeout, a lost
 * connection or a double click) reuses the reference so the server returns the first result
 * instead of creating a second record. Changed content gets a new reference, because the server
 * refuses a reused reference with a different body (409 client_ref_reused).
 */
export function useClientRef(): { refFor: (content: unknown) => string; reset: () => void } {
  const current = useRef<{ key: string; ref: string } | null>(null);
  const refFor = useCallback((content: unknown) => {
    const key = JSON.stringify(content);
    if (current.current?.key !== key) current.current = { key, ref: newClientRef() };
    return current.current.ref;
  }, []);
  const reset = useCallback(() => {
    current.current = null;
  }, []);
  return { refFor, reset };
}
