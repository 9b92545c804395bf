import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { enrolPatient } from '../identity/patients.js';
import { createStaffAccount } from '../identity/staffAccounts.js';
import { createOrganisation } from '../organisations/organisations.js';
import { createService } from '../organisations/services.js';
import type { WeeklyPeriod } from '../platform/calendar/index.js';
import type { Deps } from '../platform/deps.js';

export const DEMO_ODS_CODE = 'DEMO01';

const WEEKDAYS_0830_1700: WeeklyPeriod[] = ([1, 2, 3, 4, 5] as const).map((day) => ({
  day,
  start: '08:30',
  end: '17:00',
}));

/**
 * Test patients for the outbound API, with NHS numbers from the 999 range kept for testing. The
 * last is only identity level P5, so messages to it are rejected ("NHS number not found").
 */
export const DEMO_PATIENTS = [
  {
    nhsNumber: '9990000018',
    identityLevel: 'P9',
    name: 'Jo Bloggs',
    email: 'jo.bloggs@demo.confide.local',
    phone: '07700 900001',
  },
  { nhsNumber: '9990000026', identityLevel: 'P9', name: 'Sam Smith' },
  { nhsNumber: '9990000034', identityLevel: 'P5', name: 'Lee Jones' },
] as const;

export type DemoCredentials = { email: string; password: string; supervisorEmail: string; servicePaths: string[] };

/**
 * A demonstration organisation with two services and two staff logins. Idempotent: a second run
 * finds the organisation and only reads back the credentials file. The password is random per
 * data folder, kept in an owner-only file, and printed only in demo mode.
 */
export async function seedDemo(deps: Deps): Promise<DemoCredentials> {
  const file = path.join(deps.config.dataDir, 'demo-credentials.json');
  // Upserts: a data folder seeded before test patients existed gains them too.
  for (const patient of DEMO_PATIENTS) await enrolPatient(deps, patient);
  const existing = await deps.db.query('SELECT 1 FROM organisations WHERE ods_code = $1', [DEMO_ODS_CODE]);
  if (existing.rows.length > 0 && existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  }
  if (existing.rows.length > 0) throw new Error(`demo organisation exists but ${file} is missing`);

  const org = await createOrganisation(deps, { name: 'Demo Community Health NHS Trust', odsCode: DEMO_ODS_CODE });
  const schoolNursing = await createService(deps, org.id, {
    slug: 'school-nursing',
    name: 'School nursing 11–19',
    audience: 'Young people aged 11 to 19 in Demo county',
    description:
      'Confidential advice from school nurses about your health, relationships, emotions, bullying, sexual health, smoking, drugs and alcohol.',
    contactPromise: 'We reply within one working day, Monday to Friday, 8:30am to 5pm.',
    asksAgeRange: true,
    asksSchool: true,
    weekly: WEEKDAYS_0830_1700,
  });
  const healthVisiting = await createService(deps, org.id, {
    slug: 'health-visiting',
    name: 'Health visiting — parent line',
    audience: 'Parents and carers of children aged 0 to 5',
    description: 'Advice from health visitors on feeding, sleep, development, your wellbeing and your child’s health.',
    contactPromise: 'We reply within one working day, Monday to Friday, 9am to 5pm.',
    weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  });
  const password = randomBytes(12).toString('base64url');
  const credentials: DemoCredentials = {
    email: 'nurse@demo.confide.local',
    password,
    supervisorEmail: 'supervisor@demo.confide.local',
    servicePaths: [`/s/${schoolNursing.slug}`, `/s/${healthVisiting.slug}`],
  };
  await createStaffAccount(deps, {
    organisationId: org.id,
    email: credentials.email,
    name: 'Sam Patel (School Nurse)',
    password,
    memberships: [
      { serviceId: schoolNursing.id, role: 'clinician' },
      { serviceId: healthVisiting.id, role: 'clinician' },
    ],
  });
  await createStaffAccount(deps, {
    organisationId: org.id,
    email: credentials.supervisorEmail,
    name: 'Alex Morgan (Supervisor)',
    password,
    isOrgAdmin: true,
    memberships: [
      { serviceId: schoolNursing.id, role: 'service_admin' },
      { serviceId: healthVisiting.id, role: 'supervisor' },
    ],
  });
  mkdirSync(deps.config.dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
