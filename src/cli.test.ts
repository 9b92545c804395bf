import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { build } from './app.js';
import { recordAudit } from './platform/audit/auditLog.js';
import { openPglite } from './platform/db/pglite.js';
import { testConfig } from './testing/testDatabase.js';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'main.ts'), ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/** The command line against a real embedded database on disk, as an operator would run it. */
describe('confide command line', () => {
  it('audit verify passes on an intact log and names the first tampered entry', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'confide-cli-'));
    const config = testConfig({ dataDir, masterKey: null });
    const app = await build(config);
    for (let i = 0; i < 4; i++) {
      await recordAudit(app.deps.db, {
        chain: 'org-cli',
        actorKind: 'staff',
        actorId: `s${i}`,
        action: 'conversation.view_transcript',
      });
    }
    await app.close();
    const env = { DATA_DIR: dataDir };
    const ok = await cli(['audit', 'verify'], env);
    expect(ok.stdout).toMatch(/audit log intact: 4 entries in 1 chains/);
    expect(ok.code).toBe(0);

    const db = await openPglite(path.join(dataDir, 'pglite'));
    await db.query("UPDATE audit_log SET action = 'nothing.to.see' WHERE chain = 'org-cli' AND position = 2");
    await db.close();
    const bad = await cli(['audit', 'verify'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/chain org-cli, entry 2 .*does not match its hash/);
  });

  it('refuses bad configuration with the whole list of problems and exit code 2', async () => {
    const r = await cli(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x', MASTER_KEY: 'short' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PORT must be a whole number/);
    expect(r.stderr).toMatch(/DATABASE_URL must use postgres/);
    expect(r.stderr).toMatch(/MASTER_KEY must be base64 of exactly 32/);
  });

  it('prints usage for an unknown command', async () => {
    const r = await cli(['frobnicate'], { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'confide-cli-')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: confide/);
  });
});
