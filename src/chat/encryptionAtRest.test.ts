import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeService, unique } from '../testing/factories.js';
import { buildTestApp, type TestApp } from '../testing/testApp.js';
import { makeInboxParties, startConversationAs } from './testParties.js';

/**
 * Reads every table raw after a whole conversation and looks for any personal or clinical text,
 * both as text and as the hex form in which bytea columns print: none may appear.
 */
describe('encryption at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds no message text, names, school, email or phone numbers in any table', async () => {
    const p = await makeInboxParties(t.app, t.deps);
    const service = await makeService(t.deps, p.org.id, { asksSchool: true, asksAgeRange: true });
    await t.deps.db.query("INSERT INTO memberships (staff_id, service_id, role) VALUES ($1, $2, 'clinician')", [
      p.nurse.id,
      service.id,
    ]);
    const secrets = {
      firstName: `Tallulah${unique()}`,
      school: `Brackenbury Academy ${unique()}`,
      userMessage: `my stepdad hits me, call 07700 900${Math.floor(Math.random() * 900 + 100)}`,
      reply: `Thank you for trusting us ${unique()}`,
      note: `Safeguarding referral to MASH ${unique()}`,
    };
    const { conversationId, token } = await startConversationAs(t.app, service, secrets.userMessage, {
      firstName: secrets.firstName,
      school: secrets.school,
      ageRange: '14-16',
    });
    const staff = { cookie: p.nurse.cookie };
    for (const [path, message] of [
      ['messages', secrets.reply],
      ['notes', secrets.note],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/staff/conversations/${conversationId}/${path}`,
        headers: staff,
        payload: { message, clientRef: unique('ref-') },
      });
      expect(res.statusCode).toBe(201);
    }
    const phone = secrets.userMessage.match(/07700 900\d{3}/)![0];
    const needles = [...Object.values(secrets), phone, phone.replace(' ', ''), p.nurse.email, p.nurse.name, token];

    const { rows: tables } = await t.deps.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['messages', 'conversations', 'staff', 'audit_log']),
    );
    let dump = '';
    for (const { table_name } of tables) {
      const { rows } = await t.deps.db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    // The scan must be able to see what it looks for: the conversation is there, by id.
    expect(dump).toContain(conversationId);
    for (const needle of needles) {
      expect(dump.includes(needle), `plaintext found: ${needle.slice(0, 12)}…`).toBe(false);
      expect(dump.includes(Buffer.from(needle).toString('hex')), `hex plaintext found: ${needle.slice(0, 12)}…`).toBe(
        false,
      );
    }
    // And the API still reads it all back for the people entitled to it.
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/staff/conversations/${conversationId}`,
      headers: staff,
    });
    expect(detail.body).toContain(secrets.note);
    expect(detail.json()).toMatchObject({ displayName: secrets.firstName, school: secrets.school });
  });
});
