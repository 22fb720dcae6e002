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
