/**
 * Moves focus to an element by id without touching the address bar: a `#fragment` link would
 * replace the conversation token that the resume link carries in the fragment, and add history
 * entries a shared-device user would have to step back through.
 */
export function focusById(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  if (!el.matches('a, button, input, select, textarea, [tabindex]')) el.setAttribute('tabindex', '-1');
  el.focus();
  el.scrollIntoView({ block: 'center' });
}
