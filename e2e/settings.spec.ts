import path from 'node:path';
import {
  SHARED_DATA,
  createStaff,
  expect,
  registerPatientWithVisit,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

const PHOTO = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '15_right.jpeg');

test('a site sets its own referable operating point and new results are judged at it', async ({
  page,
  dataDir,
}) => {
  const server = await startServer(dataDir);
  try {
    await createStaff(server, [{ username: 'tech', displayName: 'Tess Tech', role: 'technician' }]);
    await page.goto(server.url);
    await signIn(page, 'admin');
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Referable DR operating point' });
    await form.getByLabel('Site operating point (%)').fill('200');
    await form.getByRole('button', { name: 'Save…' }).click();
    await expect(form.getByRole('alert')).toContainText('between 0 and 100');
    await form.getByLabel('Site operating point (%)').fill('20');
    await form.getByRole('button', { name: 'Save…' }).click();
    // Before it is saved: what the point gives on the model's evaluation sets, and why it changes.
    const confirm = form.getByRole('alertdialog', { name: 'Confirm the operating point' });
    await expect(confirm).toContainText('Flag eyes as referable at ≥ 20.0%?');
    await expect(confirm.getByTestId('operating-point-impact')).toContainText('eyepacs-1024-dev');
    await expect(confirm.getByTestId('operating-point-impact')).toContainText('srahim-dev');
    await confirm.getByRole('button', { name: 'Change the operating point' }).click();
    await expect(form.getByRole('alert')).toContainText('Say why the operating point changes');
    await confirm.getByLabel(/^Why change it\?/).fill('The programme asked for fewer false referrals.');
    await page.screenshot({ path: 'test-output/screens/settings-operating-point.png', fullPage: true });
    await confirm.getByRole('button', { name: 'Change the operating point' }).click();
    await expect(form.getByRole('status')).toHaveText('Saved.');
    await expect(confirm).toHaveCount(0);
    await expect(form).toContainText('20.0% (this site)');
    const policy = page.getByRole('form', { name: 'Referral and recall' });
    await policy.getByLabel('Months for Mild NPDR').fill('6');
    await policy.getByRole('button', { name: 'Save referral policy' }).click();
    await page.getByRole('button', { name: 'Save the new policy' }).click();
    await expect(page.getByText('Referral policy saved.')).toBeVisible();
    await page.screenshot({ path: 'test-output/screens/settings.png', fullPage: true });
    // A reload keeps the page, and the saved policy.
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(policy.getByLabel('Months for Mild NPDR')).toHaveValue('6');

    // A technician registers and photographs; the site's operating point applies.
    await switchTo(page, 'tech');
    await registerPatientWithVisit(page, 'Site Threshold', 'S-1');
    const right = page.getByRole('region', { name: 'Right eye (OD)' });
    await right.getByTestId('file-OD').setInputFiles(PHOTO);
    await expect(right.getByTestId('referable')).toContainText('flagged at ≥ 20.0%');
  } finally {
    await server.stop();
  }
});
