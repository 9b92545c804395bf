/** Whether the sender is who they say: words, not only a colour or an icon. */
export function SenderTag({ verified }: { verified: boolean }) {
  if (!verified) return <strong className="nhsuk-tag nhsuk-tag--grey">Sender not verified</strong>;
  return (
    <strong className="nhsuk-tag nhsuk-tag--green app-verified-tag">
      <svg
        className="app-verified-tag__icon"
        aria-hidden="true"
        focusable="false"
        viewBox="0 0 24 24"
        width="16"
        height="16"
      >
        <path
          d="M4.5 12.5l5 5L19.5 7"
          fill="none"
          stroke="currentcolor"
          strokeWidth="3"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      Verified sender
    </strong>
  );
}
