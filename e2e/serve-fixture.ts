import { expect, test as base, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rawClient, startServe, strict } from '../app/bench/api-client.ts';
import { activeModelDir } from '../model/inference/model-paths.ts';

export { SHARED_DATA } from '../model/testing/test-images.ts';

/** Name and version of the model the app grades with (resources/models/active.json). */
export function activeModel(): { name: string; version: string } {
  return JSON.parse(readFileSync(path.join(activeModelDir(), 'metadata.json'), 'utf8')) as {
    name: string;
    version: string;
  };
}

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `serve` (the same entry as `npm run serve`) on a free loopback port and waits for its URL. */
export async function startServer(dataDir: string): Promise<RunningServer> {
  const serve = await startServe(dataDir);
  return { url: serve.url, dataDir, stop: serve.stop };
}

/** Each test gets its own empty data folder, removed afterwards. */
export const test = base.extend<{ dataDir: string }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
});

export { expect };

/** Registers a patient from the patient list and opens today's visit (the flow every screening starts with). */
export async function registerPatientWithVisit(page: Page, name: string, clinicId: string): Promise<void> {
  await page.getByRole('button', { name: 'New patient' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Clinic ID').fill(clinicId);
  await page.getByRole('button', { name: 'Create patient' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await page.getByRole('button', { name: 'Start a visit' }).click();
  await page.getByRole('button', { name: 'Start visit', exact: true }).click();
}

export interface StaffAccount {
  username: string;
  displayName: string;
  role: 'administrator' | 'clinician' | 'technician';
}

/** The administrator every test's clinic starts with (made the way the first start makes it). */
export const ADMIN: StaffAccount = { username: 'admin', displayName: 'Clinic Admin', role: 'administrator' };

/** Each test account's password: long enough for the app's rule, and never a real one. */
// Never containing the user name, which a password may not.
export const passwordOf = (username: string): string =>
  `e2e-secret-${username.length}-${[...username].reverse().join('')}`;

/**
 * Accounts for a test's clinic, made through the API as an administrator would (first start, then the Users
 * screen): the administrator, then `people`. The e2e for accounts (accounts.spec.ts) goes through the screens.
 */
export async function createStaff(server: RunningServer, people: StaffAccount[]): Promise<void> {
  const call = strict(rawClient(server.url));
  await call('auth:setup', {
    username: ADMIN.username,
    displayName: ADMIN.displayName,
    password: passwordOf(ADMIN.username),
  });
  for (const person of people)
    await call('users:create', { ...person, password: passwordOf(person.username) });
  await call('auth:logout', {});
}

/** Signs in through the sign-in screen (the page must be showing it). */
export async function signIn(page: Page, username: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('User name').fill(username);
  await form.getByLabel('Password', { exact: true }).fill(passwordOf(username));
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in')).toBeVisible();
}

/** Signs the person at the window out and another in (a clinic's shared workstation). */
export async function switchTo(page: Page, username: string): Promise<void> {
  await page.getByTestId('signed-in').getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, username);
}

/**
 * `a` on the review page (or `click`, the Accept button): accepts the model's grade, unless the model flagged the
 * eye as referable with a grade below 2, which needs a reason to clear the flag (typed here, then Enter). Returns
 * whether it asked.
 */
export async function acceptByKey(page: Page, click?: () => Promise<void>): Promise<boolean> {
  if (click) await click();
  else await page.keyboard.press('a');
  const reason = page.getByLabel('Reason for clearing the referable flag');
  try {
    await reason.waitFor({ state: 'visible', timeout: 1000 });
  } catch {
    return false;
  }
  await expect(reason).toBeFocused();
  await reason.fill('Looked at the flagged areas: no lesion that needs referral');
  await reason.press('Enter');
  return true;
}
