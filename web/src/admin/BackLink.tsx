import { Link } from 'react-router-dom';

export function BackLink({ to, children }: { to: string; children: string }) {
  return (
    <div className="nhsuk-back-link">
      <Link className="nhsuk-back-link__link" to={to}>
        {children}
      </Link>
    </div>
  );
}
