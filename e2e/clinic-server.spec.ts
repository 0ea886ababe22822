import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { rawClient, startServe, strict } from '../app/bench/api-client.ts';
import { fingerprintOf, spkiHashOf } from '../app/clinic-server/fingerprint.ts';
import { ADMIN, SHARED_DATA, expect, passwordOf, signIn, test } from './serve-fixture.ts';

// A clinic server: `npm run serve -- --listen 0.0.0.0` over HTTPS with the certificate it made at first start, two
// workstations (two browser contexts) signed in at once. Chromium trusts that one certificate only (pinned by its
// key, as a workstation that checked the fingerprint would), never "any certificate".
const PHOTO = path.join(SHARED_DATA, 'eyepacs-originals', 'images', '10_left.jpeg');
const SCREENS = 'test-output/screens';

test('two workstations on one clinic server over HTTPS: an import on one appears on the other', async ({
  dataDir,
}) => {
  test.setTimeout(240_000);
  const serve = await startServe(dataDir, ['--listen', '0.0.0.0', '--name', '127.0.0.1']);
  const browser = await chromium.launch({
    executablePath: process.env.EYENET_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    expect(serve.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/#token=/);
    const cert = readFileSync(path.join(dataDir, 'clinic-server', 'cert.pem'), 'utf8');
    // What the server printed is the certificate it serves.
    expect(serve.fingerprint).toBe(fingerprintOf(cert));

    // Plain HTTP to the same port is refused: the record never crosses the network unencrypted.
    const port = new URL(serve.url).port;
    await expect(fetch(`http://127.0.0.1:${port}/api/app:info`, { method: 'POST' })).rejects.toThrow();

    const admin = strict(rawClient(serve.url, cert));
    await admin('auth:setup', {
      username: ADMIN.username,
      displayName: ADMIN.displayName,
      password: passwordOf(ADMIN.username),
    });
    await admin('users:create', {
      username: 'camtech',
      displayName: 'Cam Tech',
      role: 'technician',
      password: passwordOf('camtech'),
    });
    await admin('users:create', {
      username: 'drread',
      displayName: 'Dr Read',
      role: 'clinician',
      password: passwordOf('drread'),
    });
    await admin('auth:logout', {});

    // A browser that was never told about this certificate refuses the page.
    const untrusting = await browser.newContext();
    const refused = await untrusting.newPage().then((p: Page) =>
      p.goto(serve.url).then(
        () => 'loaded',
        (e: Error) => e.message,
      ),
    );
    expect(refused).toMatch(/ERR_CERT/);
    await untrusting.close();

    const pinned = await chromium.launch({
      executablePath: process.env.EYENET_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        `--ignore-certificate-errors-spki-list=${spkiHashOf(cert)}`,
      ],
    });
    try {
      const cameraRoom = await (await pinned.newContext()).newPage();
      const readingRoom = await (await pinned.newContext()).newPage();
      await cameraRoom.goto(serve.url);
      await signIn(cameraRoom, 'camtech');
      await readingRoom.goto(serve.url);
      await signIn(readingRoom, 'drread');
      await readingRoom.getByRole('button', { name: 'Worklists' }).click();
      await expect(readingRoom.getByRole('tabpanel')).toContainText('No visits in this range.');

      // The camera room registers a patient and imports a photograph.
      await cameraRoom.getByRole('button', { name: 'New patient' }).click();
      const form = cameraRoom.getByRole('form', { name: 'New patient' });
      await form.getByLabel('Name').fill('Nina Network');
      await form.getByLabel('Clinic ID').fill('NET-1');
      await form.getByRole('button', { name: 'Create patient' }).click();
      await cameraRoom.getByRole('button', { name: 'Start a visit' }).click();
      await cameraRoom.getByRole('button', { name: 'Start visit', exact: true }).click();
      const visit = cameraRoom.getByRole('article', { name: /^Visit / }).first();
      await visit.getByTestId('file-OS').setInputFiles(PHOTO);
      await expect(visit.getByRole('region', { name: 'Left eye (OS)' }).getByTestId('quality')).toBeVisible();

      // The reading room's worklist shows it without a reload.
      await expect(readingRoom.getByTestId('worklist-row')).toContainText('Nina Network');
      await readingRoom.getByTestId('tab-unreviewed').click();
      await expect(readingRoom.getByRole('tabpanel')).toContainText('Nina Network');
      await readingRoom.screenshot({ path: `${SCREENS}/clinic-server-reading-room.png`, fullPage: true });

      // Both rooms edit the patient at once: the second save is refused with a sentence, never silently lost.
      await readingRoom.getByRole('button', { name: 'Nina Network' }).first().click();
      await expect(readingRoom.getByRole('heading', { name: 'Nina Network' })).toBeVisible();
      for (const room of [cameraRoom, readingRoom])
        await room.getByRole('button', { name: 'Edit patient' }).click();
      const cameraEdit = cameraRoom.getByRole('form', { name: 'Edit patient' });
      await cameraEdit.getByLabel('Notes').fill('Camera room: pupils dilated.');
      await cameraEdit.getByRole('button', { name: 'Save changes' }).click();
      await expect(cameraRoom.getByText('Camera room: pupils dilated.')).toBeVisible();
      const readingEdit = readingRoom.getByRole('form', { name: 'Edit patient' });
      await readingEdit.getByLabel('Notes').fill('Reading room: cataract.');
      await readingEdit.getByRole('button', { name: 'Save changes' }).click();
      await expect(readingRoom.getByRole('alert')).toContainText('someone else saved first');

      // The audit log names the workstation of each call (the browsers run on the server's computer here).
      const auditor = strict(rawClient(serve.url, cert));
      await auditor('auth:login', { username: ADMIN.username, password: passwordOf(ADMIN.username) });
      const entries = (await auditor('audit:list', { action: 'patients:create' })) as {
        workstation: string | null;
      }[];
      expect(entries.map((e) => e.workstation)).toEqual(['this computer']);
    } finally {
      await pinned.close();
    }
  } finally {
    await browser.close();
    await serve.stop();
  }
});
