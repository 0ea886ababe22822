import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectAccessible } from './a11y.ts';
import { expect, passwordOf, signIn, startServer, switchTo, test } from './serve-fixture.ts';

// Accounts as a clinic meets them: the first start creates the administrator, who makes a clinician's and a
// technician's accounts; each sees only their own work; the window locks; the audit log says who did what.
test('first start, accounts and roles, the lock, and the audit log', async ({ page, dataDir }) => {
  test.setTimeout(180_000);
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const server = await startServer(dataDir);
  const backupDir = mkdtempSync(path.join(os.tmpdir(), 'eyenet-e2e-backups-'));
  try {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Create the administrator' })).toBeVisible();
    await expectAccessible(page, 'first start');
    await page.getByLabel('Your name (as shown on records)').fill('Clinic Admin');
    await page.getByLabel('User name').fill('admin');
    // Everything wrong with the password is said at once: too short, and typed differently the second time.
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('shirt');
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(
      'The password needs at least 10 characters, and differs from the one typed again.',
    );
    await page.getByLabel('Password', { exact: true }).fill(passwordOf('admin'));
    await page.getByLabel('Password again').fill(passwordOf('admin'));
    await page.getByRole('button', { name: 'Create and sign in' }).click();
    await expect(page.getByTestId('signed-in')).toContainText('Clinic Admin (Administrator)');
    await page.screenshot({ path: 'test-output/screens/accounts-01-admin.png', fullPage: true });

    // The administrator makes accounts.
    await page.getByRole('button', { name: 'Users' }).click();
    const form = page.getByRole('form', { name: 'New account' });
    for (const [username, name, role] of [
      ['drlee', 'Dr Lee', 'clinician'],
      ['tom', 'Tom Tech', 'technician'],
      ['sam', 'Sam Grader', 'technician'],
    ] as const) {
      await form.getByLabel('User name').fill(username);
      await form.getByLabel('Name (as shown on records)').fill(name);
      await form.getByLabel('Role').selectOption(role);
      await form.getByLabel(/^Password/).fill(passwordOf(username));
      await form.getByRole('button', { name: 'Create account' }).click();
      await expect(page.getByRole('status')).toContainText(`${name} can sign in as “${username}”`);
    }
    await form.getByLabel('User name').fill('weak');
    await form.getByLabel('Name (as shown on records)').fill('Weak Password');
    await form.getByLabel(/^Password/).fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    await expect(form.getByRole('alert')).toContainText('at least 10 characters');
    // A password reset in the row (the account keeps its name, role and history).
    const tomRow = page.locator('table.users tbody tr').filter({ hasText: 'Tom Tech' });
    await tomRow.getByRole('button', { name: 'Reset password…' }).click();
    await tomRow.getByLabel('New password', { exact: true }).fill(passwordOf('tom'));
    await tomRow.getByRole('button', { name: 'Save password' }).click();
    await expect(page.getByRole('status')).toContainText('Tom Tech’s password was reset.');
    // A role decides what a person may do to the record: a change is confirmed, with the reason.
    const samRow = page.locator('table.users tbody tr').filter({ hasText: 'Sam Grader' });
    await samRow.getByLabel('Role of sam', { exact: true }).selectOption('clinician');
    const confirmRole = samRow.getByRole('form', { name: 'Confirm the role of sam' });
    await expect(confirmRole).toContainText('Sam Grader: Technician → Clinician.');
    await confirmRole.getByLabel(/^Why\?/).fill('Sam qualified as a grader.');
    await page.screenshot({ path: 'test-output/screens/accounts-role-change.png', fullPage: true });
    await confirmRole.getByRole('button', { name: 'Change the role' }).click();
    await expect(page.getByRole('status')).toContainText('Sam Grader saved.');
    await expect(samRow.getByLabel('Role of sam', { exact: true })).toHaveValue('clinician');
    await expectAccessible(page, 'users');
    await page.screenshot({ path: 'test-output/screens/accounts-02-users.png', fullPage: true });

    // A technician registers patients and imports, but neither reviews nor changes settings.
    await switchTo(page, 'tom');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('button', { name: 'Import photos' })).toBeVisible();
    await expect(nav.getByRole('button', { name: /Review/ })).toHaveCount(0);
    await expect(nav.getByRole('button', { name: 'Settings' })).toHaveCount(0);
    await page.getByRole('button', { name: 'New patient' }).click();
    await page.getByLabel('Name').fill('Ann Audit');
    await page.getByLabel('Clinic ID').fill('AU-1');
    await page.getByRole('button', { name: 'Create patient' }).click();
    await expect(page.getByRole('heading', { name: 'Ann Audit' })).toBeVisible();

    // A wrong password is refused in a sentence.
    await page.getByTestId('signed-in').getByRole('button', { name: 'Sign out' }).click();
    const signInForm = page.getByRole('form', { name: 'Sign in' });
    await signInForm.getByLabel('User name').fill('drlee');
    await signInForm.getByLabel('Password', { exact: true }).fill('not-the-password');
    await signInForm.getByRole('button', { name: 'Sign in' }).click();
    await expect(signInForm.getByRole('alert')).toHaveText('The user name or password is wrong.');
    await signIn(page, 'drlee');
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Review/ }),
    ).toBeVisible();

    // Lock: the record is hidden until the same person signs in again, and the page is kept.
    await page.getByRole('button', { name: 'Ann Audit' }).click();
    await page.getByTestId('signed-in').getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByRole('heading', { name: 'EyeNet is locked' })).toBeVisible();
    // Locked by hand, and the screen says so (not "after a while without use").
    await expect(page.getByText('It was locked with Lock')).toBeVisible();
    await expect(page.getByText('Dr Lee was signed in.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Ann Audit' })).toHaveCount(0);
    await expectAccessible(page, 'locked');
    await signIn(page, 'drlee');
    await expect(page.getByRole('heading', { name: 'Ann Audit' })).toBeVisible();

    // The administrator reads who did what, and checks the chain.
    await switchTo(page, 'admin');
    await page.getByRole('button', { name: 'Audit', exact: true }).click();
    const log = page.locator('table.audit tbody');
    await expect(log).toContainText('users:update');
    await expect(log).toContainText('patients:create');
    await expect(log).toContainText('tom (technician)');
    await expect(log).toContainText('patients:get');
    await expect(log).toContainText('drlee (clinician)');
    await expect(log).toContainText('auth:failed');
    await page.getByLabel('Person').fill('tom');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(log).not.toContainText('drlee');
    await page.getByRole('button', { name: 'Check the chain' }).click();
    await expect(page.getByTestId('audit-verification')).toContainText('Intact');
    await expectAccessible(page, 'audit');
    await page.screenshot({ path: 'test-output/screens/accounts-03-audit.png', fullPage: true });

    // Backups: a folder outside the data folder, a backup now, listed with what it holds.
    await page.getByRole('button', { name: 'Settings' }).click();
    const backups = page.getByRole('form', { name: 'Backups' });
    await backups.getByLabel('Backup folder (full path)').fill(backupDir);
    await backups.getByRole('button', { name: 'Save folder' }).click();
    await backups.getByRole('button', { name: 'Back up now' }).click();
    await expect(backups.getByTestId('backups')).toContainText('1 patients, 0 photographs');
    await expectAccessible(page, 'settings with backups');
    await backups.screenshot({ path: 'test-output/screens/accounts-04-backups.png' });
    expect(consoleErrors).toEqual([]);
  } finally {
    await server.stop();
    rmSync(backupDir, { recursive: true, force: true });
  }
});
