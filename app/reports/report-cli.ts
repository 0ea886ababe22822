// `npm run report -- --visit ID [--data-dir DIR] --out FILE [--kind report|referral] [--paper A4|Letter]`:
// a visit's PDF from the command line, made in Node like the app's, with no window and no grading.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PaperSize, ReportKind } from '../../contract/index.ts';
import { AppError } from '../../domain/errors.ts';
import { openDatabase } from '../db/database.ts';
import { ImageStore } from '../services/image-store.ts';
import { activeModelDir, defaultDataDir, projectRoot } from '../services/paths.ts';
import { visitPdf } from './exports.ts';

const USAGE =
  'Usage: npm run report -- --visit ID --out FILE [--data-dir DIR] [--kind report|referral] [--paper A4|Letter]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    visit: { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    kind: { type: 'string', default: 'report' },
    paper: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const visitId = Number(values.visit);
if (!values.visit || !Number.isInteger(visitId) || visitId <= 0)
  fail(`Give the visit's id with --visit.\n${USAGE}`);
if (!values.out) fail(`Give the file to write with --out.\n${USAGE}`);
if (values.kind !== 'report' && values.kind !== 'referral') fail('--kind is report or referral.');
// A letter is signed by the clinician signed in to EyeNet; a command has nobody to sign it.
if (values.kind === 'referral')
  fail(
    "A referral letter is signed by a clinician in EyeNet (the patient's page, Save referral letter); this command writes reports only.",
  );
if (values.paper !== undefined && values.paper !== 'A4' && values.paper !== 'Letter')
  fail('--paper is A4 or Letter.');

const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
const dbFile = path.join(dataDir, 'eyenet.sqlite');
// Never create an empty record by mistake: a report needs the clinic's existing one.
if (!existsSync(dbFile)) fail(`No EyeNet record in ${dataDir} (no eyenet.sqlite there). Give --data-dir.`);

const db = openDatabase(dbFile);
try {
  const file = await visitPdf(
    {
      db,
      store: new ImageStore(path.join(dataDir, 'images')),
      dataDir,
      modelDir: activeModelDir(path.join(projectRoot(), 'resources')),
    },
    visitId,
    values.kind as ReportKind,
    values.paper as PaperSize | undefined,
  );
  const out = path.resolve(values.out);
  await writeFile(out, file.bytes);
  console.log(`Wrote ${out} (${(file.bytes.byteLength / 1024).toFixed(0)} KB).`);
} catch (error) {
  fail(error instanceof AppError ? error.message : String(error));
} finally {
  db.close();
}
