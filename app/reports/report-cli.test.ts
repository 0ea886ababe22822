import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../model/index.ts';
import { openDatabase } from '../db/database.ts';
import { createPatient } from '../db/patients-repo.ts';
import { createVisit } from '../db/visits-repo.ts';
import { insertGradedImage, pdfText, tempDir } from '../test-helpers.ts';

const run = promisify(execFile);
const data = tempDir('eyenet-report-cli-');
afterAll(() => data.remove());

async function report(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'app/reports/report-cli.ts', ...args],
      {
        cwd: projectRoot(),
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run report', () => {
  it("writes a visit's PDF from a data folder, and says why it cannot", async () => {
    const db = openDatabase(path.join(data.dir, 'eyenet.sqlite'));
    const patient = createPatient(db, { clinicId: 'R-1', name: 'Report Patient' });
    const visit = createVisit(db, { patientId: patient.id, date: '2026-11-20' });
    insertGradedImage(db, visit.id, { grade: 1, eye: 'OD', referableProbability: 0.01 });
    db.close();

    // A referral letter needs a clinician to sign it: not from a command.
    const out = path.join(data.dir, 'letter.pdf');
    const letter = await report([
      '--visit',
      String(visit.id),
      '--data-dir',
      data.dir,
      '--out',
      out,
      '--kind',
      'referral',
    ]);
    expect(letter).toMatchObject({ code: 2, stderr: expect.stringMatching(/signed by a clinician/) });
    expect(existsSync(out)).toBe(false);
    const ok = await report(['--visit', String(visit.id), '--data-dir', data.dir, '--out', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Wrote .*letter\.pdf/);
    const text = pdfText(new Uint8Array(readFileSync(out)));
    expect(text).toContain('Report Patient');
    expect(text).toContain('Left eye (OS): Not photographed');

    const missing = await report([
      '--visit',
      '999',
      '--data-dir',
      data.dir,
      '--out',
      path.join(data.dir, 'x.pdf'),
    ]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('No visit with id 999.') });
    expect(existsSync(path.join(data.dir, 'x.pdf'))).toBe(false);
    const nowhere = await report(['--visit', '1', '--data-dir', path.join(data.dir, 'none'), '--out', out]);
    expect(nowhere).toMatchObject({ code: 2, stderr: expect.stringMatching(/No EyeNet record in .*none/) });
    expect((await report(['--out', out])).stderr).toMatch(/Give the visit's id with --visit/);
  });
});
