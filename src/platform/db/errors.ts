/** SQLSTATE 23505 from either driver: both expose the server's code on the error. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
