import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { rewriteAuditLog, tempDir, testContext } from '../test-helpers.ts';
import { appendAudit } from './audit-log.ts';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function audit(dataDir: string) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'app/audit/audit-cli.ts', '--verify', '--data-dir', dataDir],
    {
      encoding: 'utf8',
    },
  );
}

describe('npm run audit -- --verify', () => {
  it('says intact, then finds the row someone edited in the database file', () => {
    const data = tempDir();
    dirs.push(data);
    const db = openDatabase(path.join(data.dir, 'eyenet.sqlite'));
    for (const action of ['patients:create', 'patients:update', 'patients:get'])
      appendAudit(db, {
        userId: 1,
        username: 'tom',
        role: 'technician',
        action,
        kind: 'change',
        patientId: 1,
        request: {},
      });
    db.close();
    const intact = audit(data.dir);
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/intact: 3 entries/);

    const raw = openDatabase(path.join(data.dir, 'eyenet.sqlite'));
    raw.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'patients:list' WHERE id = 2;");
    raw.close();
    const broken = audit(data.dir);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/BROKEN at entry 2/);
  });

  it('finds a log rewritten in the database alone (rows deleted, the chain recomputed): the anchor outside it holds', async () => {
    const data = tempDir();
    dirs.push(data);
    const file = path.join(data.dir, 'eyenet.sqlite');
    const db = openDatabase(file);
    for (let i = 0; i < 60; i++)
      appendAudit(db, {
        userId: i % 5 === 0 ? 2 : 1,
        username: i % 5 === 0 ? 'mallory' : 'tom',
        role: 'technician',
        action: 'patients:get',
        kind: 'view',
        patientId: 1,
        request: { i },
      });
    db.close();
    expect(audit(data.dir).status).toBe(0);

    // The attacker's rewrite: guard dropped, mallory's rows deleted, ids closed up, the unkeyed chain recomputed.
    const raw = openDatabase(file);
    expect(rewriteAuditLog(raw, "username = 'mallory'")).toBe(12);
    raw.close();
    const found = audit(data.dir);
    expect(found.status).toBe(1);
    expect(found.stderr).toMatch(
      /BROKEN at entry 60: entries up to 60 were written, but the log now ends at 48/,
    );

    // The app says so at start, to administrators.
    const ctx = testContext(data.dir);
    try {
      expect(ctx.auditCheck?.problem).toMatch(/entry 60: entries up to 60 were written/);
    } finally {
      await ctx.close();
    }
  });

  it('refuses a folder without a record', () => {
    const data = tempDir();
    dirs.push(data);
    expect(audit(data.dir).status).toBe(2);
  });
});
