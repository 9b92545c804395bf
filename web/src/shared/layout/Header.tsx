import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { NhsLogo } from './NhsLogo.js';

type Props = {
  serviceName: string;
  homeHref: string;
  /** Items for the account area on the right (signed-in staff name, sign-out button). */
  account?: ReactNode;
  /** Links under the header bar. */
  navigation?: ReactNode;
  /** Match the page's wider container (staff console). */
  wide?: boolean;
};

/** The NHS header: logo and service name as one link, optional account area and navigation. */
export function Header({ serviceName, homeHref, account, navigation, wide }: Props) {
  const container = `nhsuk-width-container${wide ? ' app-width-container--wide' : ''}`;
  return (
    <header className="nhsuk-header" role="banner">
      <div className={`nhsuk-header__container ${container}`}>
        <div className="nhsuk-header__service">
          <Link className="nhsuk-header__service-logo" to={homeHref} aria-label={`NHS ${serviceName} homepage`}>
            <NhsLogo />
            <span className="nhsuk-header__service-name">{serviceName}</span>
          </Link>
        </div>
        {account && (
          <nav className="nhsuk-header__account" aria-label="Account">
            <ul className="nhsuk-header__account-list">{account}</ul>
          </nav>
        )}
      </div>
      {navigation && (
        <nav className="nhsuk-header__navigation" aria-label="Menu">
          <div className={`nhsuk-header__navigation-container ${container}`}>
            <ul className="nhsuk-header__navigation-list">{navigation}</ul>
          </div>
        </nav>
      )}
    </header>
  );
}
