/** The NHS footer. The crisis line numbers are repeated here so they are on every page. */
export function Footer({ wide }: { wide?: boolean }) {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className={`nhsuk-width-container${wide ? ' app-width-container--wide' : ''}`}>
        <div className="nhsuk-footer__meta">
          <p className="nhsuk-body-s">
            In an emergency call 999. For urgent medical advice call NHS 111. For mental health support any time, text
            SHOUT to 85258.
          </p>
          <p className="nhsuk-body-s">Confide – confidential messaging for NHS health and care services.</p>
        </div>
      </div>
    </footer>
  );
}
