import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  SHARED_DATA,
  acceptByKey,
  createStaff,
  expect,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

// A whole screening day against `npm run serve` with a fresh data folder: register, batch-import a camera
// export matched by file name, read every result, review them all (one override), restart, find it all again.
const ORIGINALS = path.join(SHARED_DATA, 'eyepacs-originals', 'images');
const EXPORT = ['10_left', '10_right', '13_left', '13_right', '15_left', '15_right'].map((n) =>
  path.join(ORIGINALS, `${n}.jpeg`),
);
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/day-${name}.png`, fullPage: true });

async function register(page: Page, patient: { name: string; clinicId: string; dob: string; year: string }) {
  await page.getByRole('button', { name: 'Patients', exact: true }).click();
  await page.getByRole('button', { name: 'New patient' }).click();
  const form = page.getByRole('form', { name: 'New patient' });
  await form.getByLabel('Name').fill(patient.name);
  await form.getByLabel('Clinic ID').fill(patient.clinicId);
  await form.getByLabel('Date of birth').fill(patient.dob);
  await form.getByLabel('Diabetes type').selectOption('type2');
  await form.getByLabel('Year of diagnosis').fill(patient.year);
  await form.getByRole('button', { name: 'Create patient' }).click();
  await expect(page.getByRole('heading', { name: patient.name })).toBeVisible();
}

test('a screening day: register, batch import, results, review, restart', async ({ page, dataDir }) => {
  test.setTimeout(300_000);
  const first = await startServer(dataDir);
  let overridden: { patient: string; eye: string; grade: string };
  try {
    await createStaff(first, [{ username: 'drreviewer', displayName: 'Dr Reviewer', role: 'clinician' }]);
    await page.goto(first.url);
    await shot(page, '00-sign-in');
    await signIn(page, 'drreviewer');
    await expect(page.getByText('No patients yet')).toBeVisible();
    await shot(page, '01-empty');

    await register(page, { name: 'Ann Example', clinicId: '10', dob: '1958-04-02', year: '2009' });
    await expect(page.getByTestId('patient-summary')).toContainText('Type 2 diabetes since 2009');
    await page.getByRole('button', { name: 'Edit patient' }).click();
    const edit = page.getByRole('form', { name: 'Edit patient' });
    await edit.getByLabel('Notes').fill('Cataract surgery, left eye, 2024.');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Cataract surgery, left eye, 2024.')).toBeVisible();
    // A duplicate clinic ID is refused with a message naming the patient who has it.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByLabel('Name').fill('Someone Else');
    await page.getByLabel('Clinic ID').fill('10');
    await page.getByRole('button', { name: 'Create patient' }).click();
    await expect(page.getByRole('alert')).toContainText('already belongs to Ann Example');
    await shot(page, '02-duplicate-clinic-id');
    await page.getByRole('form', { name: 'New patient' }).getByRole('button', { name: 'Cancel' }).click();
    await register(page, { name: 'Ben Example', clinicId: '13', dob: '1971-09-30', year: '2016' });

    // Search as you type.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('searchbox').fill('ben');
    await expect(page.locator('table.patients tbody tr')).toHaveCount(1);
    await page.getByRole('searchbox').fill('');
    await expect(page.locator('table.patients tbody tr')).toHaveCount(2);

    // The day's export folder: six photographs, two of a patient who is not registered, and a stray note.
    const exportDir = path.join(dataDir, 'camera-export'); // removed with the test's data folder
    mkdirSync(exportDir, { recursive: true });
    for (const file of EXPORT) copyFileSync(file, path.join(exportDir, path.basename(file)));
    writeFileSync(path.join(exportDir, 'export-log.txt'), 'camera export 2026-11-27\n');
    await page.getByRole('button', { name: 'Import photos' }).click();
    await expect(page.getByTestId('import-pattern')).toHaveText('{clinicId}_{eye}');
    await page.getByLabel('Operator').fill('Sam Operator');
    await page.getByLabel('Camera', { exact: true }).fill('Canon CR-2');
    await page.getByTestId('batch-folder').setInputFiles(exportDir);
    await expect(page.getByText('4 of 7 files can be imported')).toBeVisible();
    await expect(page.getByTestId('batch-row').filter({ hasText: 'export-log.txt' })).toContainText(
      'Not a photograph',
    );
    await expect(page.getByTestId('batch-row').filter({ hasText: '15_left.jpeg' })).toContainText(
      'No patient with clinic ID “15”',
    );
    await shot(page, '03-import-plan');
    await page.getByRole('button', { name: 'Import 4 photographs' }).click();
    const summary = page.getByTestId('batch-summary');
    await expect(summary).toContainText('4 imported · 0 already there · 3 skipped · 0 failed', {
      timeout: 120_000,
    });
    await shot(page, '04-import-summary');

    // Every result, per eye, with the visit's referral decided by the worse eye.
    await summary.getByRole('button', { name: 'Ann Example' }).click();
    await expect(page.getByTestId('visit-meta')).toHaveText('Operator: Sam Operator · Camera: Canon CR-2');
    for (const eye of ['Right eye (OD)', 'Left eye (OS)']) {
      const region = page.getByRole('region', { name: eye });
      await expect(region.getByTestId('quality')).toHaveText(/Gradable|Ungradable/);
      await expect(region.getByTestId('model-version')).toContainText('onnxruntime');
    }
    await expect(page.getByTestId('visit-outcome')).toContainText(/Rescreen|Refer|Re-image/);
    await expect(page.getByTestId('visit-outcome')).toContainText('Provisional');
    await expect(page.getByTestId('timeline-OD')).toContainText(/Grade [0-4]|Referable|Ungradable/);
    await page
      .getByRole('region', { name: 'Left eye (OS)' })
      .getByRole('button', { name: 'Show what the model saw' })
      .click();
    await expect(page.getByRole('img', { name: 'Preprocessed image given to the model' })).toBeVisible();
    await shot(page, '05-patient-results');

    // Ben was screened last year too: an earlier visit, one photograph dropped on the eye by hand.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ben Example' }).click();
    const todayVisit = page.getByRole('article', { name: /^Visit / }).first();
    for (const eye of ['Right eye (OD)', 'Left eye (OS)'])
      await expect(todayVisit.getByRole('region', { name: eye }).getByTestId('quality')).toHaveText(
        /Gradable|Ungradable/,
      );
    await page.getByRole('button', { name: 'Start a visit' }).click();
    await page.getByLabel('Visit date').fill('2025-11-20');
    await page.getByLabel('Operator').fill('Kim Operator');
    await page.getByRole('button', { name: 'Start visit', exact: true }).click();
    const lastYear = page.getByRole('article', { name: 'Visit 2025-11-20' });
    await lastYear.getByTestId('file-OS').setInputFiles(EXPORT[2]!);
    await expect(
      lastYear.getByRole('region', { name: 'Left eye (OS)' }).getByTestId('quality'),
    ).toBeVisible();
    await expect(page.getByTestId('timeline-OS').locator('td')).toHaveCount(2);
    await expect(page.getByTestId('timeline-OD').locator('td').first()).toContainText('Not photographed');
    await shot(page, '06-timeline');

    // Clinician review: referable first; one override with a reason, the rest accepted by keyboard.
    await page
      .getByRole('button', { name: /Review/ })
      .first()
      .click();
    await expect(page.getByTestId('review-count')).toHaveText('5');
    await expect(page.getByTestId('shortcuts')).toContainText('accept');
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    await shot(page, '07-review');
    const heading = await page
      .getByRole('article', { name: 'Result under review' })
      .getByRole('heading')
      .innerText();
    const modelText = await page.locator('.decision strong').first().innerText();
    const modelGrade = /Grade (\d)/.exec(modelText)?.[1];
    const newGrade = modelGrade === undefined ? '1' : String((Number(modelGrade) + 1) % 5);
    await page.keyboard.press(newGrade);
    const reason = page.getByLabel('Reason for override');
    await expect(reason).toBeFocused();
    await reason.fill('Second opinion on the photograph');
    await shot(page, '08-review-override');
    await reason.press('Enter');
    overridden = {
      patient: heading.split(' (')[0]!,
      eye: /(Right|Left) eye \((OD|OS)\)/.exec(heading)![0],
      grade: newGrade,
    };
    // The rest by keyboard: `a` accepts the model's grade and the next result comes up.
    // A key decides a result only once it has been on screen a moment (400 ms), as a person looks first.
    for (let left = 4; left > 0; left--) {
      await expect(page.getByTestId('review-count')).toHaveText(String(left));
      await page.waitForTimeout(600);
      // A flagged eye with a grade below 2 asks for a reason to clear the flag (typed by the helper).
      await acceptByKey(page);
    }
    await expect(page.getByTestId('queue-empty')).toBeVisible();
    await expect(page.getByTestId('review-count')).toHaveCount(0);
    await shot(page, '09-review-done');

    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('form', { name: 'Referral and recall' })).toContainText('Moderate NPDR');
    await shot(page, '10-settings');
  } finally {
    await first.stop();
  }

  // The next morning: a new server on the same data folder shows everything as it was left.
  const second = await startServer(dataDir);
  try {
    await page.goto(second.url);
    await signIn(page, 'drreviewer');
    await expect(page.locator('table.patients tbody tr')).toHaveCount(2);
    // Every photograph reviewed: each patient's next step is final, with its due date when it has one.
    for (const cell of await page.getByTestId('next-step').all()) {
      await expect(cell).toContainText(/Rescreen|Refer|Re-image/);
      await expect(cell).not.toContainText('Provisional');
    }
    await shot(page, '11-patients-after-restart');
    await page.getByRole('button', { name: overridden.patient }).click();
    // Today's visit is the newest, listed first.
    const today = page.getByRole('article', { name: /^Visit / }).first();
    const region = today.getByRole('region', { name: overridden.eye });
    await expect(region.getByTestId('review')).toContainText(`Grade ${overridden.grade}`);
    await expect(region.getByTestId('review')).toContainText('overridden by Dr Reviewer');
    await expect(region.getByTestId('review')).toContainText('Second opinion on the photograph');
    await expect(today.getByTestId('visit-outcome')).not.toContainText('Provisional');
    await shot(page, '12-patient-after-restart');
    await page
      .getByRole('button', { name: /Review/ })
      .first()
      .click();
    await expect(page.getByTestId('queue-empty')).toBeVisible();
  } finally {
    await second.stop();
  }
});
