import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { tempDir } from '../test-helpers.ts';
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

  it('refuses a folder without a record', () => {
    const data = tempDir();
    dirs.push(data);
    expect(audit(data.dir).status).toBe(2);
  });
});
