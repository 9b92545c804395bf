/** Where to go after signing in: back to the staff page that sent the person here, never off-site. */
export function loginTarget(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/staff') && !from.startsWith('//') ? from : '/staff';
}
