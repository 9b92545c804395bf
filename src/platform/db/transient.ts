/**
 * PostgreSQL's word that trying the same thing again may work: a deadlock was broken or a
 * serializable transaction lost (SQLSTATE 40P01, 40001). Callers answer 503 or try once more.
 */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
