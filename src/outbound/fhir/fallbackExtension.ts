import { isObject } from './jsonObject.js';
import { issue, type Issue } from '../../platform/fhir/operationOutcome.js';

/**
 * Beyond the NHS App: a sender may set its own fallback windows per message, or turn the fallback
 * off, with this extension on the CommunicationRequest:
 *
 *   { "url": "urn:confide:fhir:extension:fallback", "extension": [
 *       { "url": "notNotifiedAfter", "valueDuration": { "value": 30, "unit": "min" } },
 *       { "url": "unreadAfter", "valueDuration": { "value": 4, "unit": "h" } },
 *       { "url": "timeSensitive", "valueBoolean": true },
 *       { "url": "enabled", "valueBoolean": false } ] }
 *
 * Every part is optional. timeSensitive shortens the unread window to 4 hours (NHS Notify's rule);
 * an explicit unreadAfter wins over it. Other extensions are ignored, as the NHS App ignores fields
 * it does not know.
 */
export const FALLBACK_EXTENSION_URL = 'urn:confide:fhir:extension:fallback';

export type FallbackPolicy = { notNotifiedS: number | null; unreadS: number | null; off: boolean };

const UNIT_SECONDS: Record<string, number> = { s: 1, min: 60, h: 3_600, d: 86_400 };
const MIN_S = 5 * 60;
const MAX_S = 7 * 86_400;
const TIME_SENSITIVE_UNREAD_S = 4 * 3_600;

export function readFallbackExtension(value: unknown, issues: Issue[]): FallbackPolicy | null {
  if (!Array.isArray(value)) return null;
  const index = value.findIndex((e) => isObject(e) && e.url === FALLBACK_EXTENSION_URL);
  if (index < 0) return null;
  const at = `extension[${index}]`;
  const parts = (value[index] as Record<string, unknown>).extension;
  if (!Array.isArray(parts)) {
    issues.push(issue('invalid', 'The fallback extension needs its parts in extension', at));
    return null;
  }
  const policy: FallbackPolicy = { notNotifiedS: null, unreadS: null, off: false };
  let timeSensitive = false;
  parts.forEach((part: unknown, i) => {
    const where = `${at}.extension[${i}]`;
    if (!isObject(part)) return void issues.push(issue('invalid', 'Must be an object', where));
    switch (part.url) {
      case 'notNotifiedAfter':
      case 'unreadAfter': {
        const seconds = durationSeconds(part.valueDuration);
        if (seconds === null || seconds < MIN_S || seconds > MAX_S) {
          return void issues.push(
            issue('invalid', 'Must be a duration between 5 minutes and 7 days (unit s, min, h or d)', where),
          );
        }
        if (part.url === 'notNotifiedAfter') policy.notNotifiedS = seconds;
        else policy.unreadS = seconds;
        return;
      }
      case 'timeSensitive':
      case 'enabled':
        if (typeof part.valueBoolean !== 'boolean')
          return void issues.push(issue('invalid', 'Must be valueBoolean', where));
        if (part.url === 'timeSensitive') timeSensitive = part.valueBoolean;
        else policy.off = !part.valueBoolean;
        return;
      default:
        issues.push(issue('invalid', 'Unknown fallback setting', `${where}.url`));
    }
  });
  if (timeSensitive && policy.unreadS === null) policy.unreadS = TIME_SENSITIVE_UNREAD_S;
  return policy;
}

function durationSeconds(value: unknown): number | null {
  if (!isObject(value) || typeof value.value !== 'number' || !Number.isFinite(value.value)) return null;
  const unit = typeof value.unit === 'string' ? UNIT_SECONDS[value.unit] : undefined;
  return unit === undefined ? null : Math.round(value.value * unit);
}
