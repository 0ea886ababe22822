// `npm run audit -- --verify [--data-dir DIR]`: checks the audit log's hash chain of a clinic's record.
// Exit 0: intact (prints the number of entries and the newest hash, to note down); 1: broken (says where); 2: usage.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { defaultDataDir } from '../services/paths.ts';
import { verifyAuditChain } from './audit-log.ts';

const USAGE = 'Usage: npm run audit -- --verify [--data-dir DIR]';

const { values } = parseArgs({
  options: {
    verify: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.verify) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
const dbFile = path.join(dataDir, 'eyenet.sqlite');
if (!existsSync(dbFile)) {
  console.error(`No EyeNet record in ${dataDir} (no eyenet.sqlite there). Give --data-dir.`);
  process.exit(2);
}
// Read-only: checking history never changes it (nor migrates the database).
const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
try {
  const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
  if (!hasLog) {
    console.log('This record has no audit log yet (it was last opened by an EyeNet before accounts).');
    process.exit(0);
  }
  const result = verifyAuditChain(db);
  if (result.ok) {
    console.log(`Audit log intact: ${result.entries} entries.`);
    if (result.head)
      console.log(`Newest entry's hash: ${result.head} (note it down to detect a cut tail later).`);
    process.exitCode = 0;
  } else {
    console.error(
      `Audit log BROKEN at entry ${result.broken!.id}: ${result.broken!.reason}. ` +
        'History was changed outside EyeNet: restore the database from a backup and find out who had access to it.',
    );
    process.exitCode = 1;
  }
} finally {
  db.close();
}
