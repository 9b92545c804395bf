import { formatFull, formatMessageTime } from './londonTime.js';

/** A machine-readable <time> showing a short London time, with the full date as a tooltip. */
export function Time({ iso, now }: { iso: string; now?: Date }) {
  return (
    <time dateTime={iso} title={formatFull(iso)}>
      {formatMessageTime(iso, now)}
    </time>
  );
}
