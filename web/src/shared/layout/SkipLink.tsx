import type { MouseEvent } from 'react';
import { focusById } from './focus.js';

export function SkipLink() {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    focusById('maincontent');
  };
  return (
    <a className="nhsuk-skip-link" href="#maincontent" onClick={onClick}>
      Skip to main content
    </a>
  );
}
