import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PNG, stamp } from './helpers';

/** A provider made with the real command line, against the server's data dir. */
function addProvider(name: string): string {
  const out = execFileSync(
    path.join(__dirname, '../../target/debug/opsboard'),
    ['provider', 'add', name, '--category', 'model', '--data-dir', process.env.E2E_DATA_DIR!],
    { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'error' } },
  );
  const token = out.match(/token \(shown once, keep it secret\): (\S+)/)?.[1];
  if (!token) throw new Error(`no token in: ${out}`);
  return token;
}

test('a provider uploads several files and sees each outcome', async ({ page }) => {
  const token = addProvider(`e2e-${Date.now()}`);
  await page.goto('/upload');
  await expect(page.locator('main.upload')).toHaveAttribute('data-ready', 'true');
  // Nothing is kept unless asked.
  await expect(page.getByLabel('Remember on this computer')).not.toBeChecked();
  await page.getByLabel('Token').fill(token);

  const good = `model.UPLOAD.${stamp()}.012h_precip.png`;
  const bad = `model.UPLOAD.${stamp()}.png`;
  const forbidden = `satellite.UPLOAD.${stamp()}.ir108.png`;
  await page.locator('input[type=file]').setInputFiles([
    { name: good, mimeType: 'image/png', buffer: PNG },
    { name: bad, mimeType: 'image/png', buffer: PNG },
    { name: forbidden, mimeType: 'image/png', buffer: PNG },
  ]);
  await expect(page.locator('.upload-row')).toHaveCount(3);

  const row = (name: string) => page.locator(`.upload-row[data-file-name="${name}"]`);
  await expect(row(good)).toHaveAttribute('data-state', 'done');
  await expect(row(good).locator('progress')).toHaveJSProperty('value', 100);
  await expect(row(good)).toContainText('catalogued (version 1)');
  await expect(row(bad)).toHaveAttribute('data-state', 'failed');
  await expect(row(bad)).toContainText('expected 5 dot-separated tokens');
  await expect(row(forbidden)).toHaveAttribute('data-state', 'failed');
  await expect(row(forbidden)).toContainText('may not send satellite/UPLOAD');
  // A refused file's bar is in the warning colour, a catalogued one's is not.
  const accent = (name: string) =>
    row(name).locator('progress').evaluate((p) => getComputedStyle(p).accentColor);
  expect(await accent(bad)).toBe('rgb(213, 94, 0)');
  expect(await accent(good)).not.toBe('rgb(213, 94, 0)');
  // Not asked: the token was not kept.
  expect(await page.evaluate(() => localStorage.getItem('opsboard.token'))).toBeNull();
  await page.screenshot({ path: test.info().outputPath('upload.png'), fullPage: true });

  // The board shows the upload, and the refusal with its reason.
  await page.goto('/');
  await expect(page.locator(`.timeline .mark[data-file-name="${good}"]`)).toBeVisible();
  await expect(page.locator(`.rejections li[data-file-name="${bad}"]`)).toBeVisible();
});

test('a centre with only its provider token uploads from the page, no account needed', async ({ browser }) => {
  const token = addProvider(`e2e-anon-${Date.now()}`);
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const response = await page.goto('/upload');
  expect(page.url(), 'not sent to the login').toContain('/upload');
  expect(response?.status()).toBe(200);
  await expect(page.locator('main.upload')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Token').fill(token);
  const name = `model.ANONUP.${stamp()}.006h_precip.png`;
  await page.locator('input[type=file]').setInputFiles([{ name, mimeType: 'image/png', buffer: PNG }]);
  const row = page.locator(`.upload-row[data-file-name="${name}"]`);
  await expect(row).toHaveAttribute('data-state', 'done');
  await expect(row).toContainText('catalogued (version 1)');
  // The page reads nothing of the campaign for it: the board still asks for a login.
  await page.goto('/');
  expect(page.url()).toContain('/login');
  await context.close();
});
