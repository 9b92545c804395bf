/**
 * The outbound API as a sending system uses it: a bearer token from a signed client assertion,
 * and CommunicationRequest bodies shaped like the NHS App API's own example, serialised ahead of
 * time so the load generator's clock never includes JSON.stringify.
 */
import type http from 'node:http';
import { TOKEN_PATH } from '../../src/outbound/auth/tokenRoute.js';
import { SYSTEM } from '../../src/outbound/fhir/systems.js';
import { inAppRequest, signAssertion, tokenForm } from '../../src/outbound/testSenders.js';
import { postBuffer } from './http.js';
import type { Sender } from './outboundSeed.js';

export const FHIR_JSON = 'application/fhir+json';

/** The text inAppRequest gives every message: one allowed link, as an appointment reminder has. */
const { payload } = inAppRequest('', '') as { payload: [{ contentString: string }] };
export const CONTENT = payload[0].contentString;

export type Recipients = { enrolled: readonly string[]; unknown: readonly string[] };

/**
 * Two of every three messages go to an enrolled P9 patient and the third to a number nobody has
 * enrolled, which the server still stores, with a Rejected receipt.
 */
export function recipient(r: Recipients, i: number): { nhsNumber: string; enrolled: boolean } {
  const third = Math.floor(i / 3);
  if (i % 3 === 2) return { nhsNumber: r.unknown[third % r.unknown.length]!, enrolled: false };
  return { nhsNumber: r.enrolled[(2 * third + (i % 3)) % r.enrolled.length]!, enrolled: true };
}

function communicationRequest(nhsNumber: string, odsCode: string, requestId: string, campaignId: string | null) {
  const identifiers: { system: string; value: string }[] = [{ system: SYSTEM.requestId, value: requestId }];
  if (campaignId !== null) identifiers.unshift({ system: SYSTEM.campaignId, value: campaignId });
  return inAppRequest(nhsNumber, odsCode, { identifiers });
}

export function singleBody(nhsNumber: string, odsCode: string, requestId: string): Buffer {
  return Buffer.from(JSON.stringify(communicationRequest(nhsNumber, odsCode, requestId, null)));
}

export function bundleBody(
  entries: readonly { nhsNumber: string; requestId: string }[],
  odsCode: string,
  campaignId: string,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'batch',
      entry: entries.map((e) => ({
        resource: communicationRequest(e.nhsNumber, odsCode, e.requestId, campaignId),
        request: { method: 'POST', url: 'CommunicationRequest' },
      })),
    }),
  );
}

/**
 * A bearer token, as a sending system gets one. `publicUrl` is the server's PUBLIC_URL: the
 * assertion's audience must be its token endpoint exactly.
 */
export async function accessToken(base: URL, publicUrl: URL, sender: Sender, agent: http.Agent): Promise<string> {
  // Between phases the server may still be shedding the last one's backlog: retry as a client would.
  for (let attempt = 1; ; attempt++) {
    const assertion = await signAssertion(sender, new URL(TOKEN_PATH, publicUrl).toString());
    const res = await postBuffer(base, TOKEN_PATH, Buffer.from(tokenForm(assertion)), {
      agent,
      contentType: 'application/x-www-form-urlencoded',
      readBody: true,
    });
    if (res.status === 200) return (JSON.parse(res.body) as { access_token: string }).access_token;
    if (res.status !== 503 || attempt === 10) {
      throw new Error(`token endpoint answered ${res.status} ${res.body.slice(0, 300)}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
