import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { patientChain } from '../../identity/patientSignIn/patientChain.js';
import { PATIENT_SESSION_COOKIE } from '../../identity/patientSignIn/patientSessions.js';
import type { TestDevice } from '../../testing/pushService.js';
import { dispatchDuePushes } from './dispatchPushes.js';
import { currentStatus } from '../testSenders.js';
import { PUBLIC_URL, type Patient, type PushBed } from './testPushBed.js';

/**
 * The steps the push tests take, over a test bed made in the file's beforeAll (hence a getter):
 * dispatching, opting in, sending display reports as a service worker does, and reading back
 * receipts, statuses and audit entries.
 */
export function pushSteps(bed: () => PushBed) {
  const dispatch = (limit?: number) => dispatchDuePushes(bed().t.deps, limit === undefined ? {} : { limit });
  const receivedBy = (device: TestDevice) =>
    bed().push.received.filter((r) => r.endpoint === device.subscription.endpoint);
  const codes = async (messageId: string) => (await bed().receipts(messageId)).map((r) => r.code).sort();
  const statusOf = (messageId: string) => currentStatus(bed().t.deps.db, messageId);
  const displayed = (session: string, tag: string) => report(tag, { session });

  /**
   * A display report as the service worker sends it: same-origin JSON POST from the site's origin,
   * with the session cookie only if the browser still has one. Each test uses its own address, so
   * the per-address limit of one test never stops another's reports.
   */
  function report(
    tag: unknown,
    opts: { session?: string; headers?: Record<string, string>; remoteAddress?: string } = {},
  ) {
    return bed().t.app.inject({
      method: 'POST',
      url: '/api/patient/push-displayed',
      remoteAddress: opts.remoteAddress ?? randomAddress(),
      headers: { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', ...opts.headers },
      ...(opts.session === undefined ? {} : { cookies: { [PATIENT_SESSION_COOKIE]: opts.session } }),
      payload: { tag },
    });
  }
  const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const displayAudit = async (patientId: string) =>
    (
      await bed().t.deps.db.query<{
        actor_kind: string;
        actor_id: string | null;
        target_id: string;
        reason: string | null;
      }>(
        `SELECT actor_kind, actor_id, target_id, reason FROM audit_log
         WHERE chain = $1 AND action = 'patient.push_displayed' ORDER BY position`,
        [patientChain(patientId)],
      )
    ).rows;

  /** A message to a patient with one device, pushed: its id, and the tag the device received. */
  async function pushedMessage(): Promise<{ patient: Patient; id: string; tag: string }> {
    const { patient, devices } = await optedIn();
    const id = await bed().send(patient.nhsNumber);
    expect(await dispatch()).toMatchObject({ attempted: 1 });
    const [got] = receivedBy(devices[0]!);
    return { patient, id, tag: (JSON.parse(got!.payload) as { tag: string }).tag };
  }

  /** A signed-in P9 patient opted in on the given number of devices. */
  async function optedIn(devices = 1): Promise<{ patient: Patient; devices: TestDevice[] }> {
    const patient = await bed().person();
    const made: TestDevice[] = [];
    for (let i = 0; i < devices; i++) {
      const device = bed().push.newDevice();
      const res = await bed().subscribe(patient.session, device.subscription);
      expect(res.statusCode, res.body).toBe(204);
      made.push(device);
    }
    return { patient, devices: made };
  }

  return {
    dispatch,
    receivedBy,
    codes,
    statusOf,
    displayed,
    report,
    randomAddress,
    displayAudit,
    pushedMessage,
    optedIn,
  };
}
