/**
 * A patient's own audit chain: their sign-ins and sign-outs (and, later, what they read) form one
 * verifiable sequence, and sign-ins of different patients never wait on each other's chain head,
 * as they would on the single 'platform' chain at national sign-in volumes.
 */
export function patientChain(patientId: string): string {
  return `patient:${patientId}`;
}
