import path from 'node:path';
import { writeCandidateModel } from '../app/test-helpers.ts';
import { expectAccessible } from './a11y.ts';
import {
  SHARED_DATA,
  activeModel,
  expect,
  registerPatientWithVisit,
  createStaff,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

// A clinician promotes a fine-tuned candidate that passed the gate (one constructed to be worse cannot be), new
// photographs are graded by it, and one click rolls it back. The candidates are copies of the shipped model with
// the held-out figures a fine-tune writes; the fine-tune itself is tested in training/local.
const candidate = writeCandidateModel;

test('a clinician promotes a fine-tuned model and rolls it back', async ({ page, dataDir }) => {
  test.setTimeout(240_000);
  const shipped = activeModel();
  candidate(dataDir, 'local-better', `${shipped.version}-local.1`, 0.87);
  candidate(dataDir, 'local-worse', `${shipped.version}-local.2`, 0.8);
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [{ username: 'drpromote', displayName: 'Dr Promote', role: 'clinician' }]);
    await page.goto(server.url);
    await signIn(page, 'drpromote');
    // A photograph graded by the shipped model first.
    await registerPatientWithVisit(page, 'Ann Learning', 'L-1');
    const left = page.getByRole('region', { name: 'Left eye (OS)', exact: true });
    await left
      .getByTestId('file-OS')
      .setInputFiles(path.join(SHARED_DATA, 'eyepacs-originals', 'images', '10_left.jpeg'));
    await expect(left).toContainText(`${shipped.name} ${shipped.version} ·`, { timeout: 60_000 });

    await page.getByRole('button', { name: 'Models' }).click();
    const versions = page.getByRole('region', { name: 'Model versions' });
    const rows = versions.getByTestId('model-versions').locator('tbody tr');
    // The shipped models and the two fine-tuned here.
    await expect(rows.filter({ hasText: 'grading now' })).toContainText(`${shipped.name} ${shipped.version}`);
    const worse = rows.filter({ hasText: `${shipped.version}-local.2` });
    await expect(worse.getByTestId('verdict')).toContainText(
      'Its referable-DR AUC is lower: 0.800 against 0.850.',
    );
    await expect(worse.getByRole('button', { name: 'Promote' })).toBeDisabled();
    await expectAccessible(page, 'models');

    await rows
      .filter({ hasText: `${shipped.version}-local.1` })
      .getByRole('button', { name: 'Promote' })
      .click();
    await expect(page.getByRole('status').filter({ hasText: 'grades new photographs' })).toContainText(
      `${shipped.name} ${shipped.version}-local.1`,
    );
    await expect(page.getByTestId('model-badge')).toContainText(`${shipped.version}-local.1`);
    await expect(versions.getByTestId('model-history')).toContainText(
      `promoted ${shipped.version}-local.1 by Dr Promote`,
    );

    // The administrator sees the promoted model's operating point re-derived on the clinic's held-out patients,
    // beside the one in force; it is used only when chosen.
    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const point = page.getByTestId('local-operating-point');
    await expect(point).toContainText(`${shipped.version}-local.1: 5.0%`);
    await expect(point).toContainText('It is not used until you choose it.');
    await point.getByRole('button', { name: 'Use this point' }).click();
    await expect(page.getByLabel('Site operating point (%)')).toHaveValue('5');
    await page.screenshot({ path: 'test-output/screens/learning-local-operating-point.png', fullPage: true });
    await switchTo(page, 'drpromote');

    // Graded again on request: the promoted model's grade, with the shipped model's beside it.
    await page.getByRole('button', { name: 'Patients' }).click();
    await page.getByRole('button', { name: 'Ann Learning' }).click();
    await left.getByText('Correct…').click();
    await left.getByRole('button', { name: 'Grade again with the model grading now' }).click();
    await expect(left).toContainText(`${shipped.name} ${shipped.version}-local.1`, { timeout: 60_000 });
    await expect(left.getByTestId('earlier-result')).toContainText(
      `Graded before by ${shipped.name} ${shipped.version}: grade`,
    );
    await expectAccessible(page, 'patient page with a re-graded photograph');

    // One click back.
    await page.getByRole('button', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'Roll back to the previous model' }).click();
    await expect(page.getByTestId('model-badge')).toContainText(`${shipped.name} ${shipped.version}`);
    await expect(page.getByTestId('model-badge')).not.toContainText('local');
    await expect(versions.getByTestId('model-history')).toContainText(
      `rolled back to ${shipped.version} by Dr Promote`,
    );
    await page.screenshot({ path: 'test-output/screens/learning-models.png', fullPage: true });
  } finally {
    await server.stop();
  }
});
