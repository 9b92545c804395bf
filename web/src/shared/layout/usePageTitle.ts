import { useEffect } from 'react';

/** "Page – Area – NHS", prefixed "Error: " while the page shows a validation error (NHS pattern). */
export function usePageTitle(title: string, area: string, hasError = false): void {
  useEffect(() => {
    document.title = `${hasError ? 'Error: ' : ''}${title} – ${area} – NHS`;
  }, [title, area, hasError]);
}
