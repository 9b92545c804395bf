import type { CommunicationInput } from './readCommunicationRequest.js';
import { SYSTEM } from './systems.js';

export type CommunicationRequestResource = {
  resourceType: 'CommunicationRequest';
  identifier: { system: string; value: string }[];
  status: 'active';
  payload: ({ contentString: string } | { contentReference: { display: string; reference?: string } })[];
  recipient: { identifier: { system: string; value: string } }[];
  requester?: { type: 'Organization'; identifier: { system: string; value: string } };
};

/**
 * The resource a successful send answers with, as the NHS App does: the request echoed back with
 * the assigned communication id first, then the identifiers it recognised.
 */
export function communicationResource(id: string, input: CommunicationInput): CommunicationRequestResource {
  const identifier: { system: string; value: string }[] = [{ system: SYSTEM.communicationId, value: id }];
  if (input.campaignId !== null) identifier.push({ system: SYSTEM.campaignId, value: input.campaignId });
  if (input.requestId !== null) identifier.push({ system: SYSTEM.requestId, value: input.requestId });
  const payload: CommunicationRequestResource['payload'] =
    input.content !== null
      ? [{ contentString: input.content }]
      : [
          {
            contentReference: {
              display: input.notification!.display,
              ...(input.notification!.reference ? { reference: input.notification!.reference } : {}),
            },
          },
        ];
  return {
    resourceType: 'CommunicationRequest',
    identifier,
    status: 'active',
    payload,
    recipient: [{ identifier: { system: SYSTEM.nhsNumber, value: input.nhsNumber } }],
    ...(input.odsCode !== null
      ? { requester: { type: 'Organization' as const, identifier: { system: SYSTEM.odsCode, value: input.odsCode } } }
      : {}),
  };
}
