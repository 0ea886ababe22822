import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible } from './a11y.ts';
import { SHARED_DATA, createStaff, expect, signIn, startServer, test } from './serve-fixture.ts';

// Maculopathy end to end (issue #23): the model's maculopathy result beside the grade with its evidence map, the
// clinician's M1 with the grade, the referral the site's policy gives for maculopathy, and the report that says so.
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/maculopathy-${name}.png`, fullPage: true });
const look = (page: Page) => page.waitForTimeout(600);
const IMAGES = path.join(SHARED_DATA, 'srahim-dev', 'images');
// Graded mild NPDR with maculopathy by the clinic's ophthalmologists; the model flags its maculopathy.
const RIGHT = path.join(IMAGES, 'srahim284_right.jpeg');
// No DR, no maculopathy.
const LEFT = path.join(IMAGES, 'srahim022_left.jpeg');

test('maculopathy: the model’s suspicion, the clinician’s M1, the referral and the report', async ({
  page,
  dataDir,
}) => {
  test.setTimeout(180_000);
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [{ username: 'drmac', displayName: 'Dr Mac', role: 'clinician' }]);
    await page.goto(server.url);
    await signIn(page, 'drmac');
    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByLabel('Name').fill('Mina Macula');
    await page.getByLabel('Clinic ID').fill('MAC-1');
    await page.getByRole('button', { name: 'Create patient' }).click();
    await page.getByRole('button', { name: 'Start a visit' }).click();
    await page
      .getByRole('form', { name: 'New visit' })
      .getByRole('button', { name: 'Start visit', exact: true })
      .click();
    for (const [eye, file] of [
      ['OD', RIGHT],
      ['OS', LEFT],
    ] as const) {
      const region = page.getByRole('region', { name: eye === 'OD' ? 'Right eye (OD)' : 'Left eye (OS)' });
      await region.getByTestId(`file-${eye}`).setInputFiles(file);
      await expect(region.getByTestId('quality')).toHaveText('Gradable', { timeout: 60_000 });
    }
    const right = page.getByRole('region', { name: 'Right eye (OD)', exact: true });
    const left = page.getByRole('region', { name: 'Left eye (OS)', exact: true });
    // Beside the grade: the model's maculopathy probability, its flag, and that it is a suspicion, not a diagnosis.
    await expect(right.getByTestId('maculopathy')).toContainText('Maculopathy suspected by the model');
    await expect(right.getByTestId('maculopathy')).toContainText('not a diagnosis (no OCT)');
    await expect(left.getByTestId('maculopathy')).toContainText('No maculopathy flagged by the model');
    // Provisional: the model's flag refers the eye, said as a flag.
    await expect(page.getByTestId('visit-outcome')).toContainText(
      'Refer to an ophthalmologist within 3 months',
    );
    // Where the evidence is: the bright spots near the fovea that the head weighed.
    await right.getByRole('button', { name: 'Show what the model saw' }).click();
    await right.getByTestId('maculopathy-evidence-toggle').check();
    await expect(right.getByAltText(/^Maculopathy evidence/)).toBeVisible();
    await expectAccessible(page, 'patient page with maculopathy results');
    await shot(page, '00-result-with-evidence');

    // The clinician: grade 1 with M1 (as the model says) for the right eye, grade 0 with M0 for the left.
    await page.getByRole('button', { name: /^Review/ }).click();
    await page
      .getByRole('list', { name: 'Review queue' })
      .getByRole('button', { name: /srahim284_right/ })
      .click();
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    await look(page);
    await page.keyboard.press('1');
    const reading = page.getByTestId('maculopathy-reading');
    await expect(reading.getByRole('button', { name: /^M1/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(reading).toContainText('as the model says');
    await shot(page, '01-review-m1');
    const reason = page.getByLabel(/^Reason for/);
    await reason.fill('Microaneurysms only; hard exudates within one disc diameter of the fovea');
    await reason.press('Enter');
    await expect(page.getByRole('list', { name: 'Review queue' })).not.toContainText('srahim284_right');
    // The left eye: M0 where the model flagged nothing needs no reason.
    await page.getByRole('heading', { name: 'Review', exact: true }).click();
    await look(page);
    await page.keyboard.press('0');
    await page.getByTestId('maculopathy-reading').getByRole('button', { name: /^M0/ }).click();
    await page.getByRole('button', { name: /^Save/ }).click();
    await expect(page.getByTestId('queue-empty')).toBeVisible();

    // Final: the maculopathy the clinician confirmed refers the visit, as the site's policy says.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Mina Macula' }).click();
    const outcome = page.getByTestId('visit-outcome');
    await expect(outcome).toContainText('Refer to an ophthalmologist within 3 months');
    await expect(outcome).toContainText('Mild NPDR, with maculopathy (M1, clinician)');
    await expect(outcome).not.toContainText('Provisional');
    await expect(right.getByTestId('review')).toContainText('M1 (maculopathy)');
    await shot(page, '02-referred-for-maculopathy');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save PDF report' }).click(),
    ]);
    const pdf = path.join(dataDir, 'maculopathy-report.pdf');
    await download.saveAs(pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Maculopathy suspected by the model');
    // (Two columns: pdftotext may interleave the reading with the picture captions beside it.)
    expect(text).toContain("Clinician's maculopathy reading:");
    expect(text).toContain('M1 (maculopathy)');
    expect(text).toContain('Mild NPDR; maculopathy (M1, clinician)');
    expect(text).toContain('(the operating point was chosen on these photographs)');
    expect(text).toContain('a suspicion of macular oedema, not a diagnosis');
  } finally {
    await server.stop();
  }
});
