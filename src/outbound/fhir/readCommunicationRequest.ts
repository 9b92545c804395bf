import { isObject } from './jsonObject.js';
import { issue, type Issue } from '../../platform/fhir/operationOutcome.js';
import type { ApiClient } from '../clients/apiClients.js';
import { checkMessageMarkdown, containsTag, type ContentProblem } from '../content/markdownRules.js';
import { isValidNhsNumber } from '../nhsNumber.js';
import { readFallbackExtension, type FallbackPolicy } from './fallbackExtension.js';
import { SYSTEM, type Channel } from './systems.js';

/** A CommunicationRequest that passed every rule, reduced to what is stored and echoed. */
export type CommunicationInput = {
  channel: Channel;
  nhsNumber: string;
  /** The requester's ODS code; required for in-app messages, optional for notifications. */
  odsCode: string | null;
  /** In-app: the markdown body. */
  content: string | null;
  /** Notification: the text shown and, optionally, the page it opens. */
  notification: { display: string; reference: string | null } | null;
  campaignId: string | null;
  requestId: string | null;
  /** The sender's own fallback windows (Confide's extension); null for the defaults. */
  fallback?: FallbackPolicy | null;
};

/** Beyond the NHS App's 50: values up to 128 characters (a superset, so NHS App clients fit). */
export const MAX_IDENTIFIER_LENGTH = 128;
export const MAX_DISPLAY_LENGTH = 200;
export const MAX_REFERENCE_LENGTH = 1000;
/** C0 controls other than tab, line feed and carriage return: PostgreSQL text cannot hold NUL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Identifiers and notification text: one line, no controls at all. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;

/** Problems of one body, memoised per call site: a bulk Bundle often repeats one text many times. */
export type ContentMemo = {
  get(content: string): ContentProblem[] | undefined;
  set(content: string, problems: ContentProblem[]): unknown;
};

type Result = { ok: true; input: CommunicationInput } | { ok: false; status: 400 | 403; issues: Issue[] };

/**
 * Applies the NHS App API's field rules to a parsed body, collecting every problem (as the NHS
 * App does) with its FHIRPath expression and the NHS App's own wording where it publishes one.
 * Fields the NHS App ignores (`priority`, `doNotPerform`, unknown identifier systems…) are
 * ignored here too, so existing clients work unchanged. Pure: no I/O, so one request and each
 * entry of a Bundle are read alike.
 */
export function readCommunicationRequest(
  body: unknown,
  channel: Channel,
  client: Pick<ApiClient, 'odsCode' | 'allowedLinkDomains'>,
  memo?: ContentMemo,
): Result {
  if (!isObject(body)) return { ok: false, status: 400, issues: [issue('invalid', 'Invalid Json encountered.')] };
  if (body.resourceType === undefined) {
    return { ok: false, status: 400, issues: [issue('invalid', 'Root object has no type indication (resourceType)')] };
  }
  if (body.resourceType !== 'CommunicationRequest') {
    const shown = typeof body.resourceType === 'string' ? body.resourceType.slice(0, 64) : typeof body.resourceType;
    return {
      ok: false,
      status: 400,
      issues: [issue('invalid', `Cannot locate type information for type '${shown}'`, 'resourceType')],
    };
  }
  const issues: Issue[] = [];
  if (body.status !== 'active') issues.push(issue('invalid', "Must be 'active'", 'status'));
  const { campaignId, requestId } = readIdentifiers(body.identifier, issues);
  const nhsNumber = readRecipient(body.recipient, issues);
  const odsCode = readRequester(body.requester, channel === 'in_app', issues);
  const fallback = readFallbackExtension(body.extension, issues);
  let content: string | null = null;
  let notification: CommunicationInput['notification'] = null;
  const payload = body.payload;
  if (!Array.isArray(payload) || payload.length === 0) {
    issues.push(issue('invalid', 'Not specified', 'payload'));
  } else if (payload.length > 1) {
    issues.push(issue('invalid', 'Exceeds maximum length', 'payload'));
  } else if (channel === 'in_app') {
    content = readContent(payload[0], client.allowedLinkDomains, issues, memo);
  } else {
    notification = readNotification(payload[0], client.allowedLinkDomains, issues);
  }
  if (issues.length > 0) return { ok: false, status: 400, issues };
  // Checked last: a request that is also malformed hears about the form first.
  if (odsCode !== null && odsCode !== client.odsCode) {
    return {
      ok: false,
      status: 403,
      issues: [
        issue('security', 'The requester is not the organisation this client sends for.', 'requester.identifier.value'),
      ],
    };
  }
  return {
    ok: true,
    input: { channel, nhsNumber: nhsNumber!, odsCode, content, notification, campaignId, requestId, fallback },
  };
}

function readIdentifiers(value: unknown, issues: Issue[]): { campaignId: string | null; requestId: string | null } {
  const found = { campaignId: null as string | null, requestId: null as string | null };
  if (value === undefined) return found;
  if (!Array.isArray(value)) {
    issues.push(issue('invalid', 'Must be an array', 'identifier'));
    return found;
  }
  const systems = new Set<string>();
  value.forEach((item: unknown, i) => {
    const at = `identifier[${i}]`;
    if (!isObject(item) || typeof item.system !== 'string' || typeof item.value !== 'string') {
      issues.push(issue('invalid', 'Must have a system and a value', at));
      return;
    }
    if (systems.has(item.system)) {
      issues.push(
        issue(
          'invalid',
          item.system === SYSTEM.campaignId
            ? 'Multiple Campaign IDs specified'
            : item.system === SYSTEM.requestId
              ? 'Multiple Request IDs specified'
              : 'Identifier system is repeated',
          'identifier',
        ),
      );
      return;
    }
    systems.add(item.system);
    if (item.system !== SYSTEM.campaignId && item.system !== SYSTEM.requestId) return;
    if (item.value.trim() === '') issues.push(issue('invalid', 'Not specified', `${at}.value`));
    else if (item.value.length > MAX_IDENTIFIER_LENGTH)
      issues.push(issue('invalid', 'Exceeds maximum length', `${at}.value`));
    else if (containsTag(item.value)) issues.push(issue('invalid', 'HTML is not allowed', `${at}.value`));
    else if (LINE_CONTROL.test(item.value)) issues.push(issue('invalid', 'Invalid characters', `${at}.value`));
    else if (item.system === SYSTEM.campaignId) found.campaignId = item.value;
    else found.requestId = item.value;
  });
  return found;
}

function readRecipient(value: unknown, issues: Issue[]): string | null {
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(issue('invalid', 'Not specified', 'recipient'));
    return null;
  }
  if (value.length > 1) {
    issues.push(issue('invalid', 'Exceeds maximum length', 'recipient'));
    return null;
  }
  const identifier: unknown = isObject(value[0]) ? value[0].identifier : undefined;
  if (!isObject(identifier)) {
    issues.push(issue('invalid', 'Not specified', 'recipient[0].identifier'));
    return null;
  }
  if (identifier.system !== SYSTEM.nhsNumber) {
    issues.push(issue('invalid', 'Identifier system is invalid', 'recipient[0].identifier.system'));
    return null;
  }
  if (typeof identifier.value !== 'string' || !isValidNhsNumber(identifier.value)) {
    issues.push(issue('invalid', 'NHS Number is invalid', 'recipient[0].identifier.value'));
    return null;
  }
  return identifier.value;
}

function readRequester(value: unknown, required: boolean, issues: Issue[]): string | null {
  if (value === undefined) {
    if (required) issues.push(issue('invalid', 'Not specified', 'requester'));
    return null;
  }
  const identifier: unknown = isObject(value) ? value.identifier : undefined;
  if (!isObject(identifier)) {
    issues.push(issue('invalid', 'Not specified', 'requester.identifier'));
    return null;
  }
  if (identifier.system !== SYSTEM.odsCode) {
    issues.push(issue('invalid', 'Identifier system is invalid', 'requester.identifier.system'));
    return null;
  }
  if (typeof identifier.value !== 'string' || !/^[0-9A-Z]{1,10}$/.test(identifier.value)) {
    issues.push(issue('invalid', 'ODS code is invalid', 'requester.identifier.value'));
    return null;
  }
  return identifier.value;
}

function readContent(item: unknown, allowed: readonly string[], issues: Issue[], memo?: ContentMemo): string | null {
  const content: unknown = isObject(item) ? item.contentString : undefined;
  if (typeof content !== 'string') {
    issues.push(issue('invalid', 'Not specified', 'payload[0].contentString'));
    return null;
  }
  if (CONTROL.test(content)) {
    issues.push(issue('invalid', 'Invalid characters', 'payload[0].contentString'));
    return null;
  }
  let problems = memo?.get(content);
  if (!problems) {
    problems = checkMessageMarkdown(content, allowed);
    memo?.set(content, problems);
  }
  for (const p of problems) issues.push(issue('invalid', p.diagnostics, 'payload[0].contentString'));
  return problems.length === 0 ? content : null;
}

function readNotification(
  item: unknown,
  allowed: readonly string[],
  issues: Issue[],
): CommunicationInput['notification'] {
  const ref: unknown = isObject(item) ? item.contentReference : undefined;
  if (!isObject(ref)) {
    issues.push(issue('invalid', 'Not specified', 'payload[0].contentReference'));
    return null;
  }
  const at = 'payload[0].contentReference';
  const display = ref.display;
  if (typeof display !== 'string' || display.trim() === '') {
    issues.push(issue('invalid', 'Not specified', `${at}.display`));
    return null;
  }
  if (display.length > MAX_DISPLAY_LENGTH) issues.push(issue('invalid', 'Exceeds maximum length', `${at}.display`));
  else if (containsTag(display)) issues.push(issue('invalid', 'HTML is not allowed', `${at}.display`));
  else if (LINE_CONTROL.test(display)) issues.push(issue('invalid', 'Invalid characters', `${at}.display`));
  let reference: string | null = null;
  if (ref.reference !== undefined) {
    if (typeof ref.reference !== 'string' || ref.reference.length > MAX_REFERENCE_LENGTH) {
      issues.push(issue('invalid', 'Exceeds maximum length', `${at}.reference`));
    } else if (LINE_CONTROL.test(ref.reference) || !isAllowedHttpsUrl(ref.reference, allowed)) {
      issues.push(issue('invalid', 'Must be an https link to an allowed domain', `${at}.reference`));
    } else {
      reference = ref.reference;
    }
  }
  return { display, reference };
}

function isAllowedHttpsUrl(value: string, allowed: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password && allowed.includes(url.hostname);
  } catch {
    return false;
  }
}
