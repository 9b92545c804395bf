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
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
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
