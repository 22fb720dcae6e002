import { test, expect, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dropFile, healthy, platform, PNG, root, stamp, startServer } from './helpers';

/** Adds a participant with the real command line, beside the running server. */
function addUser(name: string, role: string, password: string, dataDir = process.env.E2E_DATA_DIR!): void {
  execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['user', 'add', name, '--role', role, '--password-stdin', '--data-dir', dataDir],
    { input: `${password}\n` },
  );
}

/** A browser context with no session: someone who has not logged in. */
async function stranger(browser: Browser, baseURL?: string) {
  return browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL });
}

test('the login page says when the password is wrong, then opens the board', async ({ browser }) => {
  const name = platform('login');
  addUser(name, 'viewer', 'the right password');
  const context = await stranger(browser, test.info().project.use.baseURL);
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login\?next=%2F$/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('login.png'), fullPage: true });

  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
  await page.screenshot({ path: test.info().outputPath('login-wrong-password.png') });

  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill('the right password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('.who')).toContainText(name);
  // A viewer has no admin link, and the admin page refuses them.
  await expect(page.locator('.who a[href="/admin"]')).toHaveCount(0);
  const admin = await page.goto('/admin');
  expect(admin?.status()).toBe(403);
  await context.close();
});

test('an admin invites a participant, who sets a password and logs in in another browser', async ({ page, browser }) => {
  await page.goto('/');
  await page.locator('.who a[href="/admin"]').click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Participants' })).toBeVisible();
  await expect(page.locator('tr[data-user="e2e-admin"]')).toContainText('admin');
  await page.screenshot({ path: test.info().outputPath('admin.png'), fullPage: true });

  const name = platform('invited');
  const invite = page.locator('form.admin-form', { hasText: 'Invite a participant' });
  await invite.getByLabel('User name').fill(name);
  await invite.getByLabel('Role').selectOption('scientist');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByRole('status')).toContainText(`${name} is invited as scientist`);
  const link = await page.locator('.secret-value').inputValue();
  expect(link).toMatch(/\/welcome\?invitation=obp_[0-9a-f]{64}$/);
  await expect(page.locator(`tr[data-user="${name}"] .state`)).toHaveText('invited');
  await page.screenshot({ path: test.info().outputPath('admin-invitation.png'), fullPage: true });

  // The participant, in a browser of their own.
  const theirs = await stranger(browser);
  const them = await theirs.newPage();
  await them.goto(link);
  await expect(them.getByRole('heading', { name: 'Welcome: choose your password' })).toBeVisible();
  await them.getByLabel('Password (at least 10 characters)').fill('my own password');
  await them.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(them).toHaveURL(/\/$/);
  await expect(them.locator('.conn')).toHaveAttribute('data-state', 'live');
  await expect(them.locator('.who')).toContainText(name);
  // The link worked once.
  await them.goto(link);
  await them.getByLabel('Password (at least 10 characters)').fill('a second try here');
  await them.getByRole('button', { name: 'Set password and log in' }).click();
  await expect(them.getByRole('alert')).toContainText('not valid');
  await theirs.close();

  // Back on the admin page: active, with a last login, and in the audit trail.
  await page.goto('/admin');
  await expect(page.locator(`tr[data-user="${name}"] .state`)).toHaveText('active');
  await expect(page.locator(`tr[data-user="${name}"]`)).not.toContainText('never');
  await expect(page.locator('.audit')).toContainText('user.invited');
  await expect(page.locator('.audit')).not.toContainText('obp_');
});

test.describe('in public mode', () => {
  const port = Number(process.env.E2E_PORT ?? 3917) + 2;
  const base = `http://127.0.0.1:${port}`;

  test('a restricted product reaches a viewer and never an anonymous visitor, and leaves public pages when restricted later', async ({ browser }) => {
    test.setTimeout(60_000);
    const dataDir = path.join(process.env.E2E_DATA_DIR!, `public-${Date.now()}`);
    fs.mkdirSync(dataDir, { recursive: true });
    addUser('pv', 'viewer', 'viewer password', dataDir);
    const server = startServer(dataDir, port, ['--access', 'public', '--restrict', 'radar']);
    try {
      await healthy(port);
      const plat = platform('PUB');
      const open = `satellite.${plat}.${stamp()}.ir108.png`;
      const secret = `radar.${plat}.${stamp()}.ppi.png`;

      // The public's page is open and live before the files arrive.
      const publicContext = await stranger(browser, base);
      const visitor = await publicContext.newPage();
      await visitor.goto('/');
      await expect(visitor.locator('.conn')).toHaveAttribute('data-state', 'live');
      dropFile(secret, PNG, path.join(dataDir, 'incoming'));
      dropFile(open, PNG, path.join(dataDir, 'incoming'));
      await expect(visitor.locator(`.mark[data-file-name="${open}"]`)).toBeVisible();

      // A viewer logs in and sees both.
      const viewerContext = await stranger(browser, base);
      const viewer = await viewerContext.newPage();
      await viewer.goto('/login');
      await viewer.getByLabel('User name').fill('pv');
      await viewer.getByLabel('Password').fill('viewer password');
      await viewer.getByRole('button', { name: 'Log in' }).click();
      await expect(viewer.locator('.who')).toContainText('pv');
      await expect(viewer.locator(`.mark[data-file-name="${secret}"]`)).toBeVisible();
      await expect(viewer.locator(`.mark[data-file-name="${open}"]`)).toBeVisible();

      // Neither live nor on reload does the public get it, nor by its URL.
      await expect(visitor.locator(`.mark[data-file-name="${secret}"]`)).toHaveCount(0);
      await visitor.reload();
      await expect(visitor.locator(`.mark[data-file-name="${open}"]`)).toBeVisible();
      await expect(visitor.locator(`.mark[data-file-name="${secret}"]`)).toHaveCount(0);
      expect(await visitor.content()).not.toContain(secret);
      const id = await viewer.locator(`.mark[data-file-name="${secret}"]`).getAttribute('data-id');
      expect(id).not.toBeNull();
      expect((await visitor.request.get(`/api/v1/products/${id}`)).status()).toBe(404);
      expect((await viewer.request.get(`/api/v1/products/${id}`)).status()).toBe(200);

      // A sidecar restricts the open product: it leaves the public's open page
      // at once, and stays on the viewer's.
      dropFile(`${open}.json`, Buffer.from('{"restricted": true}'), path.join(dataDir, 'incoming'));
      await expect(visitor.locator(`.mark[data-file-name="${open}"]`)).toHaveCount(0);
      await expect(viewer.locator(`.mark[data-file-name="${open}"]`)).toBeVisible();
      await expect(viewer.locator('.conn')).toHaveAttribute('data-state', 'live');
      await publicContext.close();
      await viewerContext.close();
    } finally {
      server.kill('SIGTERM');
    }
  });
});
