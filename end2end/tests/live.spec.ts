import { test, expect } from '@playwright/test';
import { dropFile, platform, PNG, stamp } from './helpers';

test('a dropped file appears on the open board within a second, without reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');

  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });

  const name = `satellite.${platform('LIVE')}.${stamp()}.ir108.png`;
  dropFile(name, PNG);

  const mark = page.locator(`.timeline .mark[data-file-name="${name}"]`);
  await expect(mark).toBeVisible({ timeout: 1_000 });
  await expect(mark).toHaveClass(/fresh/);
  await expect(page.locator(`.arrivals [data-file-name="${name}"]`)).toBeVisible();
  expect(navigations).toBe(0);
  await page.screenshot({ path: test.info().outputPath('board-live.png'), fullPage: true });

  // A click on a mark opens it in the viewer, and the URL says so.
  await mark.click();
  const image = page.locator('.viewer img.viewer-image');
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(1);
  await expect(page).toHaveURL(/[?&]open=\d+/);
  await expect(page.locator('.viewer .metadata')).toContainText('SHA-256');
  await page.screenshot({ path: test.info().outputPath('viewer.png') });
  await page.keyboard.press('Escape');
  await expect(page.locator('.viewer')).toHaveCount(0);
  await expect(page).not.toHaveURL(/open=/);
});

test('a rejected file is listed with its reason, live', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');
  const name = `model.E2E.${stamp()}.png`;
  dropFile(name, PNG);
  const row = page.locator(`.rejections li[data-file-name="${name}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.reason')).toContainText('expected 5 dot-separated tokens');
});
