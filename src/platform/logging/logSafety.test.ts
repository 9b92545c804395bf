import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInboxParties, startConversationAs } from '../../chat/testParties.js';
import { unique } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/testApp.js';

/** Runs a conversation at trace level and reads every log line written: no content, no secrets. */
describe('logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ config: { logLevel: 'trace' }, logStream: { write: (line) => void lines.push(line) } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never contain message text, names, emails, tokens, codes or cookies', async () => {
    const p = await makeInboxParties(t.app, t.deps);
    const secret = `Secret message ${unique()}`;
    const started = await t.app.inject({
      method: 'POST',
      url: `/api/public/services/${p.service.slug}/conversations?token=should-not-log`,
      payload: { message: secret, clientRef: unique('ref-'), firstName: `Name${unique()}` },
    });
    const { conversationId, token, code } = started.json<{ conversationId: string; token: string; code: string }>();
    await t.app.inject({
      method: 'GET',
      url: '/api/public/conversation',
      headers: { authorization: `Bearer ${token}` },
    });
    const reply = `Reply ${unique()}`;
    await t.app.inject({
      method: 'POST',
      url: `/api/staff/conversations/${conversationId}/messages`,
      headers: { cookie: p.nurse.cookie },
      payload: { message: reply, clientRef: unique('ref-') },
    });
    // An error path too: a bad body is logged as a 400 without its content.
    await t.app.inject({
      method: 'POST',
      url: '/api/public/conversation/messages',
      headers: { authorization: `Bearer ${token}` },
      payload: { message: `<b>${secret}</b>`, clientRef: unique('ref-') },
    });
    await startConversationAs(t.app, p.service, 'another');

    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(all).toContain('/api/staff/conversations/:id/messages');
    const sessionValue = p.nurse.cookie.split('=')[1]!;
    for (const needle of [
      secret,
      reply,
      token,
      code,
      sessionValue,
      p.nurse.email,
      p.nurse.name,
      'should-not-log',
      'correct horse',
    ]) {
      expect(all.includes(needle), `log contains ${needle.slice(0, 10)}…`).toBe(false);
    }
  });
});
