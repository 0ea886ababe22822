import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y.ts';
import { SHARED_DATA, createStaff, expect, signIn, startServer, switchTo, test } from './serve-fixture.ts';

// The grading pathway of a screening programme: a visit with its findings, a first reading, a second clinician's
// blind reading that disagrees, an arbiter who decides, the visit signed off, the report read back, and the
// referral tracked to its outcome.
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/pathway-${name}.png`, fullPage: true });
const look = (page: Page) => page.waitForTimeout(600);
const RIGHT = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '13_right.jpeg');
const LEFT = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '16_left.jpeg');

/** On the review page: the photograph `file` graded `grade` by key, with a reason when one is asked for. */
async function gradeByKey(page: Page, file: string, grade: number, reason: string): Promise<void> {
  await page
    .getByRole('list', { name: 'Review queue' })
    .getByRole('button', { name: new RegExp(file) })
    .click();
  // Keys act on the result, not on the queue's button that has the focus.
  await page.getByRole('heading', { name: 'Review', exact: true }).click();
  await look(page);
  await page.keyboard.press(String(grade));
  const field = page.getByLabel(/^Reason for/);
  if (await field.isVisible()) {
    await field.fill(reason);
    await field.press('Enter');
  } else await page.keyboard.press('Enter');
}

test('second reading, arbitration, sign-off and a referral tracked to its outcome', async ({
  page,
  dataDir,
}) => {
  test.setTimeout(240_000);
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [
      { username: 'drone', displayName: 'Dr One', role: 'clinician' },
      { username: 'drtwo', displayName: 'Dr Two', role: 'clinician' },
      { username: 'drthree', displayName: 'Dr Three', role: 'clinician' },
    ]);
    await page.goto(server.url);

    // --- The administrator requires a second reading of every result (a sample of 100% of the normal ones).
    await signIn(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const reading = page.getByRole('form', { name: 'Second reading' });
    await reading.getByLabel('Read results a second time').check();
    await reading.getByLabel(/^Sample of normal results/).fill('100');
    await reading.getByRole('button', { name: 'Save' }).click();
    await expect(reading.getByRole('alert')).toContainText('Say why the second reading changes');
    await reading.getByLabel(/^Why change it\?/).fill('Programme standard: every result read twice.');
    await reading.getByRole('button', { name: 'Save' }).click();
    await expect(reading.getByRole('status')).toHaveText('Saved.');

    // --- Dr One: the visit with what the clinic recorded beside the photographs, then the first reading.
    await switchTo(page, 'drone');
    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByLabel('Name').fill('Paul Pathway');
    await page.getByLabel('Clinic ID').fill('PW-1');
    await page.getByRole('button', { name: 'Create patient' }).click();
    await expect(page.getByRole('heading', { name: 'Paul Pathway' })).toBeVisible();
    await page.getByRole('button', { name: 'Start a visit' }).click();
    const form = page.getByRole('form', { name: 'New visit' });
    await expect(form.getByLabel('Operator')).toHaveValue('Dr One');
    await form.getByLabel('Visual acuity, right eye').fill('6/9');
    await form.getByLabel('Visual acuity, left eye').fill('6/6');
    await form.getByLabel('Pupils').selectOption('yes');
    await form.getByLabel('HbA1c', { exact: true }).fill('64');
    await form.getByRole('button', { name: 'Start visit', exact: true }).click();
    await expect(page.getByTestId('visit-findings')).toHaveText(
      'VA right 6/9, left 6/6 · dilated · HbA1c 64 mmol/mol',
    );
    for (const [eye, file] of [
      ['OD', RIGHT],
      ['OS', LEFT],
    ] as const) {
      const region = page.getByRole('region', { name: eye === 'OD' ? 'Right eye (OD)' : 'Left eye (OS)' });
      await region.getByTestId(`file-${eye}`).setInputFiles(file);
      await expect(region.getByTestId('quality')).toHaveText('Gradable', { timeout: 60_000 });
    }
    await page.getByRole('button', { name: /^Review/ }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    // The queue keeps a visit's two eyes together; the viewer shows the photograph large, beside the other eye.
    await expect(page.getByRole('list', { name: 'Review queue' }).getByRole('listitem')).toHaveCount(2);
    await page.getByRole('button', { name: 'Open in the viewer' }).click();
    const viewer = page.getByRole('dialog', { name: /Photograph viewer/ });
    await viewer.getByLabel('Side by side with').selectOption('fellow');
    await expect(viewer.locator('figure.pane')).toHaveCount(2);
    await page.keyboard.press('0'); // the viewer's "fit", never a grade for the photograph behind it
    await expect(page.getByTestId('review-count')).toHaveText('2');
    await shot(page, '00-review-viewer-fellow-eye');
    await page.keyboard.press('Escape');
    await expect(viewer).toHaveCount(0);
    await gradeByKey(page, '13_right', 2, 'Dot haemorrhages and exudates temporal to the macula');
    await expect(page.getByRole('list', { name: 'Review queue' })).not.toContainText('13_right');
    await gradeByKey(page, '16_left', 0, 'No lesion on the whole field');
    await expect(page.getByTestId('queue-empty')).toBeVisible();
    // Read once, not yet decided: provisional, and nobody can sign it off.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Paul Pathway' }).click();
    await expect(page.getByTestId('readings').first()).toContainText('Waiting for a second reading');
    await expect(page.getByRole('button', { name: 'Sign off this visit' })).toHaveCount(0);

    // --- Dr Two reads both blind: agrees on the left eye, disagrees on the right.
    await switchTo(page, 'drtwo');
    await page.getByRole('button', { name: 'Second reading' }).click();
    const second = page.getByTestId('second-reading');
    await expect(second).toHaveCount(2);
    await expect(second.first()).toContainText("the first reader's grade is not shown");
    await expectAccessible(page, 'second reading');
    await shot(page, '01-second-reading');
    const right = second.filter({ hasText: '13_right.jpeg' });
    await right.getByLabel('Your grade').selectOption('1');
    await right.getByLabel(/^Reason/).fill('Two microaneurysms only');
    await right.getByRole('button', { name: 'Save the second reading' }).click();
    await expect(page.getByRole('status')).toContainText('Second reading of Paul Pathway');
    const left = page.getByTestId('second-reading').filter({ hasText: '16_left.jpeg' });
    await left.getByLabel('Your grade').selectOption('0');
    await left.getByLabel(/^Reason/).fill('No lesion');
    await left.getByRole('button', { name: 'Save the second reading' }).click();
    await expect(page.getByTestId('second-reading')).toHaveCount(0);
    // Dr Two read it: not theirs to arbitrate.
    await expect(page.getByTestId('arbitration-reading')).toHaveCount(0);

    // --- Dr Three arbitrates the right eye, seeing both readings, and says why.
    await switchTo(page, 'drthree');
    await page.getByRole('button', { name: 'Second reading' }).click();
    const arbitration = page.getByTestId('arbitration-reading');
    await expect(arbitration).toHaveCount(1);
    await expect(arbitration.getByTestId('readings-so-far')).toContainText(
      'First reading: 2 (Moderate NPDR) by Dr One',
    );
    await expect(arbitration.getByTestId('readings-so-far')).toContainText(
      'Second reading: 1 (Mild NPDR) by Dr Two',
    );
    await arbitration.getByLabel('Your grade').selectOption('2');
    await arbitration.getByRole('button', { name: 'Decide' }).click();
    await expect(page.getByRole('alert')).toContainText('Say why you decide as you do');
    await arbitration.getByLabel(/^Reason/).fill('Haemorrhages in two quadrants: moderate');
    await shot(page, '02-arbitration');
    await arbitration.getByRole('button', { name: 'Decide' }).click();
    await expect(page.getByTestId('arbitration-reading')).toHaveCount(0);

    // --- Dr One signs the visit off; the report is final and says who signed it.
    await switchTo(page, 'drone');
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Paul Pathway' }).click();
    const rightEye = page.getByRole('region', { name: 'Right eye (OD)', exact: true });
    await expect(rightEye.getByTestId('readings')).toContainText(
      'First reading: grade 2 by Dr One · second reading: grade 1 by Dr Two · arbitration: grade 2 by Dr Three',
    );
    await expect(page.getByTestId('visit-outcome')).toContainText('Refer');
    await page.getByRole('button', { name: 'Sign off this visit' }).click();
    await expect(page.getByTestId('sign-off')).toContainText('Signed off by Dr One (clinician)');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save PDF report' }).click(),
    ]);
    const pdf = path.join(dataDir, 'pathway-report.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Signed off by Dr One (clinician)');
    expect(text).toContain('Visual acuity: right 6/9, left 6/6');
    expect(text).toContain('Pupils: dilated');
    expect(text).toContain('HbA1c: 64 mmol/mol');
    expect(text).not.toContain('PROVISIONAL');

    // --- The referral, tracked: sent, booked, seen, outcome.
    const tracking = page.getByTestId('referral-tracking');
    await expect(tracking).toContainText('Not sent yet.');
    const today = new Date().toISOString().slice(0, 10);
    for (const step of [
      'Referral sent',
      'Appointment booked',
      'Seen by the eye service',
      'Outcome recorded',
    ]) {
      const record = tracking.getByRole('form', { name: 'Record the next referral step' });
      await expect(record).toContainText(step);
      await record.locator('input[type=date]').fill(today);
      if (step === 'Outcome recorded') {
        await record.getByLabel('Outcome').selectOption('monitoring');
        await record.getByLabel('Note').fill('Review in 4 months at the eye unit');
      }
      await record.getByRole('button', { name: 'Record' }).click();
      await expect(tracking).toContainText(`${step}: ${today}`);
    }
    await expect(tracking).toContainText('Kept under the eye service’s monitoring');
    await expectAccessible(page, 'patient page with readings, sign-off and referral tracking');
    await shot(page, '03-signed-off-and-tracked');
    // An amendment is made in the page, kept with the history, and the sign-off no longer holds.
    const leftEye = page.getByRole('region', { name: 'Left eye (OS)', exact: true });
    await leftEye.getByRole('button', { name: 'Amend the review…' }).click();
    const amend = leftEye.getByRole('form', { name: 'Amend the review of 16_left.jpeg' });
    await amend.getByLabel('Amended grade').selectOption('1');
    await amend.getByLabel(/^Why/).fill('One microaneurysm seen on the enhanced view');
    await amend.getByRole('button', { name: 'Save the amendment' }).click();
    await leftEye.getByText(/^Review history/).click();
    await expect(leftEye.getByTestId('review-history')).toContainText(
      'review by Dr One: grade 1 (Mild NPDR) — “One microaneurysm seen on the enhanced view”',
    );
    await expect(page.getByTestId('sign-off')).toContainText(
      'Signed off by Dr One, but a result was amended since: provisional until signed off again.',
    );
    // Closed: no longer among the open referrals.
    await page.getByRole('button', { name: 'Worklists' }).click();
    await page.getByTestId('tab-referrals').click();
    await expect(page.getByRole('tabpanel')).toContainText('No open referrals.');
  } finally {
    await server.stop();
  }
});
