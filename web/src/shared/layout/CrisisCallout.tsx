/** Used until the service's own wording has loaded, and when it cannot be loaded at all. */
export const DEFAULT_CRISIS_MESSAGE =
  'This is not a crisis service. In an emergency call 999. For urgent advice call NHS 111. For mental health support any time, text SHOUT to 85258.';

type Props = { message?: string | null; headingLevel?: 2 | 3; compact?: boolean };

/** The "not a crisis line" warning callout; the wording comes from the service (`crisisMessage`). */
export function CrisisCallout({ message, headingLevel = 2, compact }: Props) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={`nhsuk-warning-callout${compact ? ' app-callout--compact' : ''}`}>
      <Heading className="nhsuk-warning-callout__label">
        <span className="nhsuk-u-visually-hidden">Important: </span>
        Not a crisis service
      </Heading>
      <p>{message || DEFAULT_CRISIS_MESSAGE}</p>
    </div>
  );
}
