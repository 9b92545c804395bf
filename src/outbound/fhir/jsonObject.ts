/** A parsed JSON object (not null, not an array), for reading resources field by field. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
