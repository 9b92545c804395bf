/** Identifier and code systems of the NHS App API, spelled exactly (they are case-sensitive). */
export const SYSTEM = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  campaignId: 'https://fhir.nhs.uk/NHSApp/campaign-id',
  requestId: 'https://fhir.nhs.uk/NHSApp/request-id',
  communicationId: 'https://fhir.nhs.uk/Id/nhs-app-communication-id',
  communicationStatus: 'https://fhir.nhs.uk/CodeSystem/NHSApp-Communication-Status',
} as const;

export type ReceiptCode = 'Rejected' | 'Delivered' | 'NotificationAttempted' | 'Notified' | 'Unnotified' | 'Read';

/** The two send endpoints: an in-app message (with its push), or a push notification alone. */
export type Channel = 'in_app' | 'notification';

export const CHANNEL_PATH: Record<Channel, string> = {
  in_app: '/communication/in-app/FHIR/R4/CommunicationRequest',
  notification: '/communication/notification/FHIR/R4/CommunicationRequest',
};
