import { Link } from 'react-router-dom';
import { usePageTitle } from './layout/usePageTitle.js';

export function NotFoundPage({ area = 'Confide' }: { area?: string }) {
  usePageTitle('Page not found', area);
  return (
    <>
      <h1>Page not found</h1>
      <p>If you typed the web address, check it is correct.</p>
      <p>If you pasted the web address, check you copied the entire address.</p>
      <p>
        If you were given a link to a service, use that link again. Staff can <Link to="/staff">go to the inbox</Link>.
      </p>
    </>
  );
}
