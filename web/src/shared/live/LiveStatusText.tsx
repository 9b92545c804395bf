import type { LiveStatus } from './useLiveSocket.js';

const TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting for live updates…',
  live: 'Live: new messages appear here automatically.',
  reconnecting: 'Connection lost. Trying to reconnect… New messages will appear when it is back.',
  stopped: 'Live updates are off. Refresh the page to see new messages.',
};

/** Visible connection state. Not a live region: screen readers would hear every reconnect. */
export function LiveStatusText({ status }: { status: LiveStatus }) {
  return (
    <p className={`nhsuk-body-s app-live-status app-live-status--${status}`}>
      <span className="app-live-status__dot" aria-hidden="true" />
      {TEXT[status]}
    </p>
  );
}
