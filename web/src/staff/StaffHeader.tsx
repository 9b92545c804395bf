import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { isAdministrator } from '../admin/access.js';
import type { Me } from '../shared/api/types.js';
import { Header } from '../shared/layout/Header.js';
import { logout } from './staffApi.js';
import { STAFF_AREA } from './useMe.js';

/** NHS header for staff; when signed in, the person's name and a Sign out button. */
export function StaffHeader({ me, wide }: { me?: Me; wide?: boolean }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: logout,
    // Whatever the answer, nothing from this session stays in memory.
    onSettled: () => {
      queryClient.clear();
      void navigate('/staff/login', { replace: true });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!signOut.isPending) signOut.mutate();
  };
  const account = me ? (
    <>
      <li className="nhsuk-header__account-item">
        {me.name}
        <span className="nhsuk-u-visually-hidden">, {me.organisation.name}</span>
      </li>
      <li className="nhsuk-header__account-item">
        <form className="nhsuk-header__account-form" onSubmit={onSubmit} noValidate>
          <button className="nhsuk-header__account-button" type="submit">
            Sign out
          </button>
        </form>
      </li>
    </>
  ) : undefined;
  return (
    <Header
      serviceName={STAFF_AREA}
      homeHref="/staff"
      account={account}
      navigation={me && isAdministrator(me) ? <AdminNavigation /> : undefined}
      wide={wide}
    />
  );
}

/** Inbox and Administration, for organisation admins and service admins (nobody else has a second area). */
function AdminNavigation() {
  const { pathname } = useLocation();
  const inAdmin = pathname === '/staff/admin' || pathname.startsWith('/staff/admin/');
  const items = [
    { to: '/staff', label: 'Inbox', current: !inAdmin },
    { to: '/staff/admin', label: 'Administration', current: inAdmin },
  ];
  return items.map((item) => (
    <li
      key={item.to}
      className={`nhsuk-header__navigation-item${item.current ? ' nhsuk-header__navigation-item--current' : ''}`}
    >
      <Link
        className="nhsuk-header__navigation-link"
        to={item.to}
        aria-current={item.current ? (pathname === item.to ? 'page' : 'true') : undefined}
      >
        {item.current ? (
          <strong className="nhsuk-header__navigation-item-current-fallback">{item.label}</strong>
        ) : (
          item.label
        )}
      </Link>
    </li>
  ));
}
