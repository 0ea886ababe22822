import path from 'node:path';
import { SHARED_DATA, activeModel, createStaff, expect, signIn, startServer, test } from './serve-fixture.ts';

const PHOTO = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '16_left.jpeg');

test('a patient, one graded photograph, and both still there after a restart', async ({ page, dataDir }) => {
  const first = await startServer(dataDir);
  try {
    await createStaff(first, [{ username: 'nia', displayName: 'Nia Nurse', role: 'technician' }]);
    await page.goto(first.url);
    await expect(page.getByRole('note')).toContainText('screening aid, not a diagnosis');
    await expect(page.getByTestId('backend')).toHaveText('onnxruntime');
    await signIn(page, 'nia');
    await expect(page.getByText('No patients yet')).toBeVisible();

    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByLabel('Name').fill('Ada Example');
    await page.getByLabel('Clinic ID').fill('P-0016');
    await page.getByLabel('Date of birth').fill('1961-03-14');
    await page.getByRole('button', { name: 'Create patient' }).click();

    await expect(page.getByRole('heading', { name: 'Ada Example' })).toBeVisible();
    await page.getByRole('button', { name: 'Start a visit' }).click();
    await page.getByRole('button', { name: 'Start visit', exact: true }).click();

    const leftEye = page.getByRole('region', { name: 'Left eye (OS)' });
    await leftEye.getByTestId('file-OS').setInputFiles(PHOTO);
    await expect(leftEye.getByTestId('grade')).toHaveText(/[Gg]rade [0-4]/);
    const model = activeModel();
    await expect(leftEye.getByTestId('model-version')).toContainText(`${model.name} ${model.version}`);
    await expect(leftEye.getByRole('img', { name: /16_left\.jpeg/ })).toBeVisible();
    const grade = await leftEye.getByTestId('grade').textContent();
    await page.screenshot({ path: 'test-output/screens/foundation-patient.png', fullPage: true });
    await first.stop();

    const second = await startServer(dataDir);
    try {
      await page.goto(second.url);
      // A restart signs everyone out; the account is still there.
      await signIn(page, 'nia');
      await page.getByRole('button', { name: 'Ada Example' }).click();
      const leftAgain = page.getByRole('region', { name: 'Left eye (OS)' });
      await expect(leftAgain.getByTestId('grade')).toHaveText(grade ?? '');
      await expect(leftAgain.getByTestId('model-version')).toContainText(model.name);
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
  }
});

test('API calls without the token are refused', async ({ request, dataDir }) => {
  const server = await startServer(dataDir);
  try {
    const origin = new URL(server.url).origin;
    const response = await request.post(`${origin}/api/patients:list`, { data: {} });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  } finally {
    await server.stop();
  }
});
