import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import {
  SHARED_DATA,
  createStaff,
  expect,
  registerPatientWithVisit,
  signIn,
  startServer,
  test,
} from './serve-fixture.ts';

const GOOD = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '13_right.jpeg');
/** A held-out camera photograph, dim, whose lower-left quadrant and macula are in shadow. */
const IN_SHADOW = path.join(SHARED_DATA, 'eyepacs-1024-dev', 'images', '940_left.jpeg');

test('an ungradable photograph shows why and never a grade; a graded one shows what the model saw', async ({
  page,
  dataDir,
}) => {
  const dark = path.join(dataDir, 'dark_right.jpeg');
  writeFileSync(dark, await sharp(GOOD).linear(0.12, 0).jpeg().toBuffer());
  const dim = path.join(dataDir, 'dim_left.jpeg');
  writeFileSync(dim, await sharp(GOOD).linear(0.3, 0).jpeg().toBuffer());
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [{ username: 'tech', displayName: 'Tess Tech', role: 'technician' }]);
    await page.goto(server.url);
    await signIn(page, 'tech');
    await registerPatientWithVisit(page, 'Quality Check', 'Q-1');
    // The visit's operator is the person signed in, unless they said otherwise.
    await expect(page.getByTestId('visit-meta')).toContainText('Operator: Tess Tech');

    const right = page.getByRole('region', { name: 'Right eye (OD)', exact: true });
    await right.getByTestId('file-OD').setInputFiles(dark);
    await expect(right.getByTestId('quality')).toHaveText('Ungradable');
    await expect(right.getByText('Too dark')).toBeVisible();
    await expect(right.getByTestId('grade')).toHaveCount(0);
    await expect(right.getByText('Referable DR probability')).toHaveCount(0);
    // What the gate judged, brightened for a person to see.
    await right.getByRole('button', { name: 'Show the photograph brightened' }).click();
    await expect(right.getByRole('img', { name: /brightened/ })).toBeVisible();
    await expect(right.getByText('too little survived')).toBeVisible();

    // Dim is not ungradable when the detail survived everywhere...
    const left = page.getByRole('region', { name: 'Left eye (OS)', exact: true });
    await left.getByTestId('file-OS').setInputFiles(dim);
    await expect(left.getByTestId('quality')).toHaveText('Gradable');
    await left.getByRole('button', { name: 'Show the photograph brightened' }).click();
    await expect(left.getByText('dim, but gradable')).toBeVisible();
    // ...but a photograph whose average passes while part of the retina is in shadow is refused, saying where.
    await left.getByTestId('file-OS').setInputFiles(IN_SHADOW);
    const shadowed = left
      .getByTestId('result')
      .filter({ hasText: 'Part of the retina too dark to grade: lower-left quadrant, macula' });
    await expect(shadowed.getByTestId('quality')).toHaveText('Ungradable');
    await expect(shadowed.getByTestId('grade')).toHaveCount(0);
    await shadowed.getByRole('button', { name: 'Show the photograph brightened' }).click();
    await expect(shadowed.getByText('part of the retina is in shadow')).toBeVisible();

    await right.getByTestId('file-OD').setInputFiles(GOOD);
    const graded = right.getByTestId('result').filter({ has: page.getByTestId('grade') });
    await expect(graded.getByTestId('quality')).toHaveText('Gradable');
    // The bundled model assesses maculopathy too: its card says what it found, never a blank that reads as "none".
    await expect(graded.getByTestId('maculopathy')).toContainText(
      /maculopathy (suspected|flagged) by the model/i,
    );
    await graded.getByRole('button', { name: 'Show what the model saw' }).click();
    await expect(graded.getByRole('img', { name: 'Preprocessed image given to the model' })).toBeVisible();
    // The bundled model explains each grade with a heatmap over that image, which a toggle hides.
    const heatmap = graded.getByRole('img', { name: /Heatmap/ });
    await expect(heatmap).toBeVisible();
    await graded.getByRole('checkbox', { name: /Heatmap/ }).uncheck();
    await expect(heatmap).toHaveCount(0);
    await graded.getByRole('checkbox', { name: /Heatmap/ }).check();
    await page.screenshot({ path: 'test-output/screens/quality-verdicts.png', fullPage: true });
  } finally {
    await server.stop();
  }
});
