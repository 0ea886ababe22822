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
// photographs are graded by it, and one click rolls it back; one better here but worse on the reference set only
// an administrator can promote, saying why. The candidates are copies of the shipped model with the held-out
// figures a fine-tune writes; the fine-tune and the gate on real fine-tunes are tested in training/local and
// app/learning/promotion-gate.test.ts.
const candidate = writeCandidateModel;

test('a clinician promotes a fine-tuned model and rolls it back', async ({ page, dataDir }) => {
  test.setTimeout(240_000);
  const shipped = activeModel();
  candidate(dataDir, 'local-better', `${shipped.version}-local.1`, 0.87);
  candidate(dataDir, 'local-worse', `${shipped.version}-local.2`, 0.8);
  candidate(dataDir, 'local-elsewhere', `${shipped.version}-local.3`, 0.87, { referenceDifference: -0.05 });
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
    // Nothing confirmed yet: the screen says how many referable patients a fine-tune waits for.
    await expect(page.getByTestId('patients-needed')).toContainText(
      /^\d+ more confirmed referable patients needed before a new model could be judged \(0 of \d+/,
    );
    await expect(page.getByRole('button', { name: 'Fine-tune on the validated set' })).toBeDisabled();
    await page.screenshot({ path: 'test-output/screens/learning-needs-patients.png', fullPage: true });
    // Refused, and why: the worst case of the difference, and the figures behind it.
    const worse = rows.filter({ hasText: `${shipped.version}-local.2` });
    const verdict = worse.getByTestId('verdict');
    await expect(verdict).toContainText('Refused');
    await expect(verdict).toContainText(
      "Its referable-DR AUC could be up to 0.065 lower than the current model's on these patients (the margin is 0.020).",
    );
    await verdict.getByText('The figures behind it (margin 0.020)').click();
    await expect(verdict).toContainText(
      'Referable-DR AUC: current 0.850, candidate 0.800; difference −0.050 (95% interval −0.065 to −0.035).',
    );
    await expect(worse.getByRole('button', { name: 'Promote' })).toBeDisabled();
    await worse.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-output/screens/learning-gate-refused.png', fullPage: true });
    // Better here, worse on the reference set: not for a clinician to promote.
    const elsewhere = rows.filter({ hasText: `${shipped.version}-local.3` });
    await expect(elsewhere.getByTestId('verdict')).toContainText('Needs an administrator');
    await expect(elsewhere.getByTestId('verdict')).toContainText('Better here, worse elsewhere');
    await expect(elsewhere).toContainText('Only an administrator can promote it, saying why.');
    await expect(elsewhere.getByRole('button', { name: 'Promote', exact: true })).toBeDisabled();
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
    // The promotion margin: within the range a site may choose, else a sentence saying why not.
    const margin = page.getByRole('form', { name: 'Promotion margin' });
    await margin.getByLabel(/^Margin \(AUC, 0\.01–0\.05\)/).fill('0.06');
    await margin.getByRole('button', { name: 'Save' }).click();
    await expect(margin.getByRole('alert')).toContainText(
      'The promotion margin is at most 0.05: a wider one would let a measurably worse model grade.',
    );
    await margin.getByRole('button', { name: 'Use the default (0.02)' }).click();
    await expect(margin.getByRole('status')).toContainText('Saved.');
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

    // The administrator promotes the candidate that is worse on the reference set, and must say why.
    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Models' }).click();
    const override = rows.filter({ hasText: `${shipped.version}-local.3` });
    await override.getByRole('button', { name: 'Promote anyway…' }).click();
    const why = override.getByLabel(/Why promote it although it is worse on the reference set/);
    await why.fill('Our only camera is the one this clinic learned from.');
    await page.screenshot({ path: 'test-output/screens/learning-gate-override.png', fullPage: true });
    await override.getByRole('button', { name: 'Promote anyway' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Promoted by override' })).toContainText(
      `${shipped.name} ${shipped.version}-local.3`,
    );
    await expect(versions.getByTestId('model-history')).toContainText(
      `promoted ${shipped.version}-local.3 by`,
    );
    await expect(versions.getByTestId('model-history')).toContainText(
      'overriding the gate: “Our only camera is the one this clinic learned from.”',
    );
    await expectAccessible(page, 'models after an override');
  } finally {
    await server.stop();
  }
});
