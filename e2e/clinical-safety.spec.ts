import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y.ts';
import {
  SHARED_DATA,
  acceptByKey,
  createStaff,
  expect,
  registerPatientWithVisit,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

// The defects a new clinic user found, acted out: typing a reason in the review queue, a policy change after a
// visit was decided, a photograph dropped on the wrong eye, and a correction of each kind. Every screen is
// checked with axe, the console stays clean, and the worklists and viewer are photographed for a person.
const ORIGINALS = path.join(SHARED_DATA, 'eyepacs-originals', 'images');
const photo = (name: string) => path.join(ORIGINALS, `${name}.jpeg`);
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/safety-${name}.png`, fullPage: true });

/** A result must be on screen for SETTLE_MS (400 ms) before a key decides it; a person looks first too. */
const look = (page: Page) => page.waitForTimeout(600);

test('clinical safety: review typing, decided policy, wrong eye, corrections, worklists, viewer', async ({
  page,
  dataDir,
}) => {
  test.setTimeout(420_000);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.setViewportSize({ width: 1024, height: 800 });
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [{ username: 'drsafe', displayName: 'Dr Safe', role: 'clinician' }]);
    await page.goto(server.url);
    await expectAccessible(page, 'sign in');
    await signIn(page, 'drsafe');
    // The header stays one compact row at 1024 px.
    const bar = await page.locator('header.topbar').boundingBox();
    expect(bar!.height).toBeLessThan(64);
    await expectAccessible(page, 'patients (empty)');

    // A future date of birth is refused with a sentence.
    await page.getByRole('button', { name: 'New patient' }).click();
    const form = page.getByRole('form', { name: 'New patient' });
    await form.getByLabel('Name').fill('Future Born');
    await form.getByLabel('Clinic ID').fill('F-1');
    await form.getByLabel('Date of birth').evaluate((el: HTMLInputElement) => {
      el.removeAttribute('max');
      el.value = '2090-01-01';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await form.getByRole('button', { name: 'Create patient' }).click();
    await expect(form.getByRole('alert')).toHaveText('Date of birth: The date is in the future.');
    await form.getByRole('button', { name: 'Cancel' }).click();

    // --- Wrong eye: asked before anything is stored.
    await registerPatientWithVisit(page, 'Ann Safety', 'A-1');
    const visit = page.getByRole('article', { name: /^Visit / }).first();
    const right = visit.getByRole('region', { name: 'Right eye (OD)', exact: true });
    const left = visit.getByRole('region', { name: 'Left eye (OS)', exact: true });
    await right.getByTestId('file-OD').setInputFiles(photo('10_left'));
    const question = page.getByRole('alertdialog', { name: 'Which eye is this photograph?' });
    await expect(question).toContainText('The file name says left eye');
    await expect(question).toContainText('Nothing was stored yet');
    await expect(right).toContainText('No photograph of this eye yet');
    await shot(page, '01-wrong-eye-question');
    await expectAccessible(page, 'patient page with the wrong-eye question');
    await question.getByRole('button', { name: /Import as Left eye/ }).click();
    await expect(left.getByTestId('quality')).toBeVisible({ timeout: 60_000 });
    await expect(right).toContainText('No photograph of this eye yet');
    await right.getByTestId('file-OD').setInputFiles(photo('10_right'));
    await expect(right.getByTestId('quality')).toBeVisible({ timeout: 60_000 });

    // A reload keeps the page.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Ann Safety' })).toBeVisible();

    // --- Review queue, keyboard only: u moves focus to the reason, so typing "bad" is a reason, not shortcuts.
    await page.getByRole('button', { name: /^Review/ }).click();
    await expect(page.getByTestId('review-count')).toHaveText('2');
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Review queue' })).toContainText('10_');
    await look(page);
    await page.keyboard.press('u');
    // Both photographs are gradable ones (10_left and 10_right pass the quality gate), so `u` is an override.
    const reason = page.getByLabel('Reason for override');
    await expect(reason).toBeFocused();
    await page.keyboard.type('bad');
    await expect(reason).toHaveValue('bad');
    await expect(page.getByTestId('review-count')).toHaveText('2'); // the "a" in "bad" accepted nothing
    await shot(page, '02-review-typed-reason');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('review-count')).toHaveText('1');
    // The next result has just appeared: an immediate "a" is not taken as a decision on it.
    await page.keyboard.press('a');
    await page.waitForTimeout(200);
    await expect(page.getByTestId('review-count')).toHaveText('1');
    await look(page);
    await acceptByKey(page);
    await expect(page.getByTestId('queue-empty')).toBeVisible();
    await expectAccessible(page, 'review (empty)');

    // The reviewer is the signed-in clinician, and a reload keeps the sign-in.
    await page.reload();
    await expect(page.getByTestId('signed-in')).toContainText('Dr Safe (Clinician)');

    // --- The decided visit keeps its policy when the site changes it; an unsafe policy is refused.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ann Safety' }).click();
    const outcome = page.getByTestId('visit-outcome');
    await expect(outcome).not.toContainText('Provisional');
    const decided = await outcome.innerText();
    // The referral policy is the administrator's.
    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const policy = page.getByRole('form', { name: 'Referral and recall' });
    await policy.getByLabel('Action for Severe NPDR').selectOption('rescreen');
    await policy.getByLabel('Months for Severe NPDR').fill('60');
    await policy.getByRole('button', { name: 'Save referral policy' }).click();
    await expect(page.getByRole('alert')).toContainText('Severe NPDR must be referred');
    await policy.getByLabel('Action for Severe NPDR').selectOption('refer_urgent');
    for (const category of ['No DR', 'Mild NPDR', 'Moderate NPDR']) {
      await policy.getByLabel(`Action for ${category}`).selectOption('rescreen');
      await policy.getByLabel(`Months for ${category}`).fill('24');
    }
    await policy.getByRole('button', { name: 'Save referral policy' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm the referral policy' });
    await expect(confirm).toContainText('1 decided visit keeps the policy it was decided under');
    await shot(page, '03-policy-confirmation');
    await expectAccessible(page, 'settings with the policy confirmation');
    await confirm.getByRole('button', { name: 'Save the new policy' }).click();
    await expect(page.getByText('Referral policy saved.')).toBeVisible();
    await switchTo(page, 'drsafe');
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ann Safety' }).click();
    await expect(outcome).toHaveText(decided);
    await expect(outcome).toContainText('Decided under the referral policy in force at its review');

    // --- Corrections: visit date and operator, move to the other eye, to another visit, delete and restore.
    await visit.getByRole('button', { name: 'Edit visit' }).click();
    await visit.getByLabel('Visit date').fill('2026-11-20');
    await visit.getByLabel('Operator').fill('Kim Operator');
    await visit.getByRole('button', { name: 'Save visit…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Save the correction' }).click();
    await expect(page.getByRole('article', { name: 'Visit 2026-11-20' })).toContainText('Kim Operator');
    const corrected = page.getByRole('article', { name: 'Visit 2026-11-20' });

    await corrected.getByRole('region', { name: 'Left eye (OS)', exact: true }).getByText('Correct…').click();
    await corrected.getByRole('button', { name: 'Move to the right eye (OD)' }).click();
    await dialog.getByLabel('Reason').fill('Checked the photograph: it is the right eye');
    await dialog.getByRole('button', { name: 'Move photograph' }).click();
    await expect(corrected.getByRole('region', { name: 'Left eye (OS)', exact: true })).toContainText(
      'No photograph of this eye yet',
    );
    await expect(
      corrected.getByRole('region', { name: 'Right eye (OD)', exact: true }).getByTestId('review'),
    ).toHaveCount(2);

    await page.getByRole('button', { name: 'Start a visit' }).click();
    await page.getByLabel('Visit date').fill('2025-11-20');
    await page.getByRole('button', { name: 'Start visit', exact: true }).click();
    await corrected
      .getByRole('region', { name: 'Right eye (OD)', exact: true })
      .getByText('Correct…')
      .first()
      .click();
    await corrected.getByRole('button', { name: 'Move to another visit…' }).first().click();
    await dialog.getByLabel('Visit').selectOption({ label: '2025-11-20' });
    await dialog.getByLabel('Reason').fill('Taken at last year’s visit');
    await dialog.getByRole('button', { name: 'Move photograph' }).click();
    const lastYear = page.getByRole('article', { name: 'Visit 2025-11-20' });
    await expect(lastYear.getByTestId('quality')).toHaveCount(1);

    await lastYear.getByText('Correct…').click();
    await lastYear.getByRole('button', { name: 'Delete photograph…' }).click();
    await dialog.getByLabel('Reason').fill('Another patient’s photograph');
    await dialog.getByRole('button', { name: 'Delete photograph' }).click();
    await expect(lastYear.getByTestId('quality')).toHaveCount(0);
    await lastYear.getByRole('button', { name: 'Delete visit…' }).click();
    await dialog.getByLabel('Reason').fill('Opened by mistake');
    await dialog.getByRole('button', { name: 'Delete visit' }).click();
    await expect(page.getByRole('article', { name: 'Visit 2025-11-20' })).toHaveCount(0);
    await expect(page.getByTestId('record-history')).toContainText('Photograph deleted by Dr Safe');
    await shot(page, '04-corrections');

    // --- A patient registered twice: merge, then the duplicate's record shows where it went.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await registerPatientWithVisit(page, 'Ann Safety (duplicate)', 'A-1b');
    await page
      .getByRole('region', { name: 'Right eye (OD)', exact: true })
      .getByTestId('file-OD')
      .setInputFiles(photo('13_right'));
    await expect(page.getByTestId('quality')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ann Safety', exact: true }).click();
    await page.getByRole('button', { name: 'Merge a duplicate…' }).click();
    await dialog
      .getByLabel('Duplicate registration')
      .selectOption({ label: 'Ann Safety (duplicate) (A-1b)' });
    await dialog.getByLabel('Reason').fill('Registered twice at the front desk');
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await expect(page.getByRole('article', { name: /^Visit / })).not.toHaveCount(1);
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await expect(page.locator('table.patients tbody tr')).toHaveCount(1);
    await page.getByRole('button', { name: 'Deleted records' }).click();
    await expect(page.getByTestId('deleted-record').first()).toContainText('merged into Ann Safety');
    await expectAccessible(page, 'deleted records');
    await shot(page, '05-deleted-records');
    // Restoring the deleted photograph's visit brings it back.
    await page
      .getByTestId('deleted-record')
      .filter({ hasText: 'Visit 2025-11-20' })
      .filter({ hasNotText: '·' })
      .getByRole('button', { name: 'Restore…' })
      .click();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByRole('article', { name: 'Visit 2025-11-20' })).toBeVisible();

    // --- Worklists and the viewer, photographed.
    await page.getByRole('button', { name: 'Worklists' }).click();
    await page.getByLabel('From').fill('2025-01-01');
    await page.getByLabel('To').fill('2026-12-31');
    await expect(page.getByTestId('tab-visits')).toContainText(/\d/);
    await expectAccessible(page, 'worklists');
    await shot(page, '06-worklists');
    await page.getByTestId('tab-unreviewed').click();
    await shot(page, '07-worklists-unreviewed');

    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ann Safety', exact: true }).click();
    await page
      .getByRole('button', { name: /in the viewer/ })
      .first()
      .click();
    const viewer = page.getByRole('dialog', { name: /Photograph viewer/ });
    await expect(viewer.getByRole('img').first()).toBeVisible();
    await viewer.getByRole('button', { name: 'Red-free (green channel)' }).click();
    // While the view is computed, the pane says so (it was blank for about two seconds).
    await expect(
      viewer.getByRole('status').filter({ hasText: 'Preparing the red-free view…' }).first(),
    ).toBeVisible();
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await expect(viewer.getByTestId('zoom-level')).toHaveText('156%');
    await expect(viewer.locator('img').first()).toBeVisible({ timeout: 60_000 });
    await expectAccessible(page, 'image viewer');
    await shot(page, '08-viewer-red-free');
    await viewer.getByRole('button', { name: 'Contrast-enhanced' }).click();
    await expect(viewer.locator('img').first()).toBeVisible({ timeout: 60_000 });
    await shot(page, '09-viewer-enhanced');
    await page.keyboard.press('Escape');
    await expect(viewer).toHaveCount(0);
    await expectAccessible(page, 'patient page');
    await page.getByRole('button', { name: 'Import photos', exact: true }).click();
    await expectAccessible(page, 'Import photos');
    // Deleting the patient keeps a tombstone; restoring brings the whole record back.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Ann Safety', exact: true }).click();
    await page.getByRole('button', { name: 'Delete patient…' }).click();
    await dialog.getByLabel('Reason').fill('Registered at the wrong clinic');
    await dialog.getByRole('button', { name: 'Delete patient' }).click();
    await expect(page.getByText('No patients yet')).toBeVisible();
    await page.getByRole('button', { name: 'Deleted records' }).click();
    await page
      .getByTestId('deleted-record')
      .filter({ hasText: 'Registered at the wrong clinic' })
      .getByRole('button', { name: 'Restore…' })
      .click();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByRole('heading', { name: 'Ann Safety', exact: true })).toBeVisible();
    await expect(page.getByTestId('record-history')).toContainText('Patient restored by Dr Safe');
    expect(consoleErrors).toEqual([]);
  } finally {
    await server.stop();
  }
});
