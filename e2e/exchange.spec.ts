import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { dicomFile, jpegLosslessOf } from '../model/testing/dicom-files.ts';
import { expectAccessible } from './a11y.ts';
import {
  SHARED_DATA,
  acceptByKey,
  activeModel,
  createStaff,
  expect,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

// Reports and exchange as a clinic does them: DICOM files from the camera imported (registering the patient
// their header names), graded, reviewed; the visit's PDF report saved and read back (pdftotext) and its first
// page rendered (pdftoppm) for a person to look at; a photograph dropped into the watched camera folder appears
// graded; a file it cannot place waits in the unmatched list.
const ORIGINALS = path.join(SHARED_DATA, 'eyepacs-originals', 'images');
const original = (name: string) => new Uint8Array(readFileSync(path.join(ORIGINALS, `${name}.jpeg`)));
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/exchange-${name}.png`, fullPage: true });
const look = (page: Page) => page.waitForTimeout(600);

test('DICOM import, review, PDF report, exports, camera watch folder', async ({ page, dataDir }) => {
  test.setTimeout(420_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  mkdirSync(SCREENS, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'eyenet-e2e-exchange-'));
  const camera = path.join(work, 'camera-export');
  mkdirSync(camera);
  const server = await startServer(dataDir);
  try {
    await page.setViewportSize({ width: 1024, height: 800 });
    await createStaff(server, [{ username: 'drreport', displayName: 'Dr Report', role: 'clinician' }]);
    await page.goto(server.url);

    // --- The clinic on the report (the administrator's).
    await signIn(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const clinic = page.getByRole('form', { name: 'Clinic on reports' });
    await clinic.getByLabel('Clinic name').fill('North Eye Clinic');
    await clinic.getByLabel('Address').fill('1 High Street\nNorthtown');
    await clinic.getByRole('button', { name: 'Save clinic' }).click();
    await expect(clinic.getByRole('status')).toHaveText('Saved.');
    await switchTo(page, 'drreport');

    // --- DICOM files from the camera: JPEG lossless left eye, JPEG baseline right eye, for a new patient.
    const left = path.join(work, 'IMG0001.dcm');
    const right = path.join(work, 'IMG0002.dcm');
    writeFileSync(left, jpegLosslessOf(await dicomFile(original('10_left'), 1024)));
    writeFileSync(
      right,
      await dicomFile(original('10_right'), 1024, {
        transferSyntax: '1.2.840.10008.1.2.4.50',
        tags: { ImageLaterality: 'R' },
      }),
    );
    await page.getByRole('button', { name: 'Import photos' }).click();
    await page.getByTestId('batch-files').setInputFiles([left, right]);
    const rows = page.getByTestId('batch-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('New: Jane Doe (D-100)');
    await expect(rows.first()).toContainText('DICOM · study 2026-11-30 · Topcon TRC-NW8');
    await expect(rows.nth(1)).toContainText('Right eye');
    await shot(page, '01-dicom-plan');
    await expectAccessible(page, 'import plan of DICOM files');
    await page.getByRole('button', { name: /^Import 2/ }).click();
    await expect(rows.first()).toContainText('Imported', { timeout: 120_000 });
    await expect(rows.nth(1)).toContainText('Imported', { timeout: 120_000 });
    // Two files import at once: whichever is stored first registers the patient, the other finds them.
    await expect(rows.filter({ hasText: 'Registered Jane Doe (D-100) from the DICOM header.' })).toHaveCount(
      1,
    );

    // --- Review both results.
    await page.getByRole('button', { name: 'Review the results' }).click();
    for (let i = 0; i < 2; i++) {
      await expect(page.getByRole('list', { name: 'Review queue' })).toContainText('IMG000');
      await look(page);
      await acceptByKey(page, () =>
        page.getByRole('button', { name: /Accept model's grade|Confirm ungradable/ }).click(),
      );
    }
    await expect(page.getByTestId('review-count')).toHaveCount(0);

    // --- The visit's report: saved, read back, its first page rendered.
    await page.getByRole('button', { name: 'Patients' }).click();
    await page
      .getByRole('button', { name: /Jane Doe/ })
      .first()
      .click();
    await expect(page.getByRole('heading', { name: 'Jane Doe' })).toBeVisible();
    // Every result reviewed: the report is final once a clinician signs the visit off.
    await expect(page.getByTestId('sign-off')).toContainText('Not signed off: its report is provisional.');
    await page.getByRole('button', { name: 'Sign off this visit' }).click();
    await expect(page.getByTestId('sign-off')).toContainText('Signed off by Dr Report (clinician)');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save PDF report' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('D-100_2026-11-30_screening-report.pdf');
    const pdf = path.join(work, 'report.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const expected of [
      'North Eye Clinic',
      'Jane Doe',
      'D-100',
      '1960-01-02',
      'Topcon TRC-NW8',
      'Right eye (OD)',
      'Left eye (OS)',
      'IMG0001.dcm',
      'Accepted by Dr Report',
      'Signed off by Dr Report (clinician)',
      `${activeModel().name} ${activeModel().version}`,
      'NOT VALIDATED',
      'Page 1 of',
      'screening aid',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('PROVISIONAL');
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      '1',
      '-l',
      '1',
      pdf,
      path.join(SCREENS, 'exchange-report-page'),
    ]);
    expect(readFileSync(path.join(SCREENS, 'exchange-report-page-1.png')).byteLength).toBeGreaterThan(10_000);
    const [letter] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save referral letter' }).click(),
    ]);
    expect(letter.suggestedFilename()).toBe('D-100_2026-11-30_referral-letter.pdf');
    await shot(page, '02-patient-with-reports');
    await expectAccessible(page, 'patient page with reports');

    // --- Exports over a range.
    await page.getByRole('button', { name: 'Exports' }).click();
    const range = page.getByRole('form', { name: 'Export visits' });
    await range.getByLabel('From').fill('2026-11-01');
    await range.getByLabel('To').fill('2026-11-30');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      range.getByRole('button', { name: /Save CSV/ }).click(),
    ]);
    const csvFile = path.join(work, 'visits.csv');
    await csv.saveAs(csvFile);
    const lines = readFileSync(csvFile, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('D-100,Jane Doe,1960-01-02');
    const [fhir] = await Promise.all([
      page.waitForEvent('download'),
      range.getByRole('button', { name: /Save FHIR/ }).click(),
    ]);
    const bundleFile = path.join(work, 'bundle.json');
    await fhir.saveAs(bundleFile);
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { resourceType: string; entry: unknown[] };
    expect(bundle.resourceType).toBe('Bundle');
    await expectAccessible(page, 'exports');

    // --- The camera folder: a photograph named by the pattern appears graded; an unknown one waits.
    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const watch = page.getByRole('form', { name: 'Camera watch folder' });
    await watch.getByLabel('Folder (full path)').fill(camera);
    await watch.getByRole('button', { name: 'Watch this folder' }).click();
    await expect(watch.getByRole('status')).toHaveText(`Watching ${camera}.`);
    await expectAccessible(page, 'settings with clinic and watch folder');
    await switchTo(page, 'drreport');
    copyFileSync(path.join(ORIGINALS, '13_left.jpeg'), path.join(camera, 'D-100_left.jpeg'));
    copyFileSync(path.join(ORIGINALS, '13_right.jpeg'), path.join(camera, 'nobody_right.jpeg'));
    await page.getByRole('button', { name: 'Import photos' }).click();
    const panel = page.getByRole('region', { name: 'Camera folder' });
    await expect(panel.getByTestId('watch-state')).toContainText(`Watching ${camera}`);
    await expect(panel.getByTestId('watch-log')).toContainText('D-100_left.jpeg', { timeout: 90_000 });
    await expect(panel.getByTestId('watch-log')).toContainText('Imported into Jane Doe (D-100), OS');
    await expect(panel.getByTestId('unmatched-file')).toContainText('nobody_right.jpeg', { timeout: 90_000 });
    await expect(panel.getByTestId('unmatched-file')).toContainText('No patient with clinic ID “nobody”');
    await shot(page, '03-camera-folder');
    await expectAccessible(page, 'import page with the camera folder');
    await panel.getByRole('button', { name: 'Leave out' }).click();
    await expect(panel.getByTestId('unmatched-file')).toHaveCount(0);

    // The watched photograph is on the patient's page, graded, in today's visit.
    await page.getByRole('button', { name: 'Patients' }).click();
    await page
      .getByRole('button', { name: /Jane Doe/ })
      .first()
      .click();
    await expect(page.getByText('D-100_left.jpeg').first()).toBeVisible();

    // The Models screen counts the two reviewed photographs as validated, and the watched one as not yet reviewed.
    await page.getByRole('button', { name: 'Models' }).click();
    const validated = page.getByRole('region', { name: 'Validated set' });
    await expect(validated.getByTestId('validated-set')).toContainText('2 of 1 patient');
    await expect(validated).toContainText('1 not yet reviewed');
    await expect(validated.getByTestId('readiness-gaps')).toContainText(
      'Held-out patients with referable DR',
    );
    await expectAccessible(page, 'models');
    expect(consoleErrors).toEqual([]);
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
