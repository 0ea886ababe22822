import { mkdirSync } from 'node:fs';
import dcmjs from 'dcmjs';
import type { Page } from '@playwright/test';
import { dicomFile, TRANSFER_SYNTAX } from '../model/testing/dicom-files.ts';
import { original } from '../model/testing/test-images.ts';
import { DicomWebClient } from '../app/pacs/dicomweb-client.ts';
import { SOP } from '../app/pacs/result-documents.ts';
import { orthancInstalled, startOrthanc } from '../app/pacs/testing/orthanc-server.ts';
import { expectAccessible } from './a11y.ts';
import {
  ADMIN,
  acceptByKey,
  createStaff,
  expect,
  signIn,
  startServer,
  switchTo,
  test,
} from './serve-fixture.ts';

// Screening through a PACS in the UI, against a real Orthanc on loopback: the administrator sets the server up,
// a clinician pulls the camera's study, reviews, signs off and sends the result back; the SR is read from Orthanc.
const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
const SCREENS = 'test-output/screens';
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENS}/pacs-${name}.png`, fullPage: true });

test.skip(!orthancInstalled, 'Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');

test('a PACS: set up, pull a study, review, sign off, send the result back', async ({ page, dataDir }) => {
  test.setTimeout(240_000);
  mkdirSync(SCREENS, { recursive: true });
  const orthanc = await startOrthanc();
  const server = await startServer(dataDir);
  try {
    const study = DicomMetaDictionary.uid();
    const tags = {
      PatientID: 'PX-1',
      PatientName: 'Pacs^Paula',
      StudyDate: '20261204',
      StudyInstanceUID: study,
    };
    await orthanc.upload([
      await dicomFile(original('10_left.jpeg'), 1024, {
        transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
        tags: { ...tags, ImageLaterality: 'L' },
      }),
      await dicomFile(original('10_right.jpeg'), 1024, {
        transferSyntax: TRANSFER_SYNTAX.jpegBaseline,
        tags: { ...tags, ImageLaterality: 'R' },
      }),
    ]);
    await createStaff(server, [{ username: 'drpacs', displayName: 'Dr Pacs', role: 'clinician' }]);
    await page.goto(server.url);
    await signIn(page, ADMIN.username);

    // --- The administrator sets the PACS up; the password is never shown again.
    await page.getByRole('button', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'PACS (DICOMweb)' });
    await form.getByLabel('Name', { exact: true }).fill('Orthanc');
    await form.getByLabel('DICOMweb URL').fill(orthanc.dicomWeb);
    await form.getByLabel('User name').fill(orthanc.username);
    await form.getByLabel('Password').fill(orthanc.password);
    await form.getByRole('button', { name: 'Add server' }).click();
    await expect(form.getByTestId('pacs-servers')).toContainText(
      `Orthanc ${orthanc.dicomWeb} as ${orthanc.username}`,
    );
    await expect(page.getByText(orthanc.password)).toHaveCount(0);
    await shot(page, '01-settings');

    // --- A clinician pulls the new study: the patient is registered from the header, each eye by laterality.
    await switchTo(page, 'drpacs');
    await page.getByRole('button', { name: 'Import photos' }).click();
    const pull = page.getByRole('form', { name: 'From a PACS' });
    await pull.getByRole('button', { name: 'Pull from Orthanc' }).click();
    await expect(pull.getByRole('status')).toContainText(
      '1 study on the PACS; 1 imported now, 0 pulled before.',
      {
        timeout: 120_000,
      },
    );
    await expect(pull.getByTestId('pacs-pulled')).toContainText(
      'PX-1, 2026-12-04: imported — 2 photographs imported.',
    );
    await expectAccessible(page, 'import page with a PACS pull');
    await shot(page, '02-pulled');
    // Pulled again: nothing new.
    await pull.getByRole('button', { name: 'Pull from Orthanc' }).click();
    await expect(pull.getByRole('status')).toContainText(
      '1 study on the PACS; 0 imported now, 1 pulled before.',
    );

    // --- Review both, sign off, send.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Review/ })
      .click();
    for (let i = 0; i < 2; i++) {
      await expect(page.getByRole('list', { name: 'Review queue' })).toContainText('PACS study');
      await page.waitForTimeout(600);
      await acceptByKey(page, () =>
        page.getByRole('button', { name: /Accept model's grade|Confirm ungradable/ }).click(),
      );
    }
    await expect(page.getByTestId('review-count')).toHaveCount(0);
    await page.getByRole('button', { name: 'Patients' }).click();
    await page
      .getByRole('button', { name: /Paula Pacs|Pacs\^Paula|Pacs Paula/ })
      .first()
      .click();
    await expect(page.getByRole('button', { name: 'Send to Orthanc' })).toHaveCount(0); // not signed off yet
    await page.getByRole('button', { name: 'Sign off this visit' }).click();
    await expect(page.getByTestId('sign-off')).toContainText('Signed off by Dr Pacs (clinician)');
    await page.getByRole('button', { name: 'Send to Orthanc' }).click();
    await expect(page.getByText('Sent to Orthanc.')).toBeVisible({ timeout: 60_000 });
    await shot(page, '03-sent');
    // The administrator sees what went where.
    await switchTo(page, ADMIN.username);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('pacs-outbox')).toContainText(/Visit \d+ → Orthanc: sent/);

    // --- Orthanc holds the verified SR and the PDF in the photographs' study.
    const client = new DicomWebClient({
      url: orthanc.dicomWeb,
      username: orthanc.username,
      password: orthanc.password,
    });
    const instances = (await client.retrieveStudy(study)).map((bytes) => {
      const dict = DicomMessage.readFile(new Uint8Array(bytes).buffer);
      return DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>;
    });
    expect(instances.map((i) => i.SOPClassUID).sort()).toEqual(
      [
        SOP.encapsulatedPdf,
        SOP.basicTextSr,
        '1.2.840.10008.5.1.4.1.1.77.1.5.1',
        '1.2.840.10008.5.1.4.1.1.77.1.5.1',
      ].sort(),
    );
    const sr = instances.find((i) => i.SOPClassUID === SOP.basicTextSr)!;
    expect(sr).toMatchObject({ VerificationFlag: 'VERIFIED', PatientID: 'PX-1' });
    expect(JSON.stringify(sr.VerifyingObserverSequence)).toContain('Pacs^Dr');
  } finally {
    await server.stop();
    await orthanc.stop();
  }
});
