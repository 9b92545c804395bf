import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { Footer } from './Footer.js';
import { SkipLink } from './SkipLink.js';

type Props = { header: ReactNode; children: ReactNode; wide?: boolean };

/**
 * Skip link, header, one <main>, footer. After an in-app navigation focus moves to <main> so
 * keyboard and screen reader users start at the new page's content, as on a full page load.
 */
export function PageShell({ header, children, wide }: Props) {
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // Compares paths rather than counting renders: StrictMode runs effects twice on mount, and a
  // first-render flag would then move focus on the very first page load.
  const shownPath = useRef(pathname);
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <>
      <SkipLink />
      {header}
      <div className={wide ? 'nhsuk-width-container app-width-container--wide' : 'nhsuk-width-container'}>
        <main className="nhsuk-main-wrapper app-main" id="maincontent" tabIndex={-1} ref={main}>
          {children}
        </main>
      </div>
      <Footer wide={wide} />
    </>
  );
}
