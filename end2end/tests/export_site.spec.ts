import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogued, dropFile, minute, platform, PNG, root } from './helpers';

test('the exported site opens from file:// with no failed request, and its pages link together', async ({ page, request }) => {
  const site = platform('ARC');
  const noon = new Date();
  noon.setUTCHours(12, 0, 0, 0);
  const day = noon.toISOString().slice(0, 10);
  const name = `satellite.${site}.${minute(noon)}.ir108.png`;
  dropFile(name, PNG);
  const [product] = await catalogued(request, site, 1);
  const slug = `archive-${site.toLowerCase()}`;
  const made = await request.post('/api/v1/case-studies', {
    data: {
      slug, title: `Archived case ${site}`, start: `${day}T06:00:00Z`, end: `${day}T18:00:00Z`,
      description: 'Kept **for good**.', pins: [{ product_id: product.id, version: 1 }], published: true,
    },
  });
  expect(made.status()).toBe(201);
  // Wait for the thumbnail: the archive copies it.
  await expect.poll(async () => (await request.get(`/api/v1/products/${product.id}/thumbnail`)).status()).toBe(200);

  const out = test.info().outputPath('archive');
  const said = execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['export-site', out, '--data-dir', process.env.E2E_DATA_DIR!, '--from', day, '--to', day,
     '--title', 'E2E campaign', '--site-root', path.join(root, 'target/site')],
    { env: { ...process.env, RUST_LOG: 'warn' } },
  ).toString();
  expect(said).toMatch(/exported 1 days \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\), \d+ case studies and \d+ products/);

  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.url()}: ${r.status()}`); });
  await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
  await expect(page.locator('.calendar-grid .day')).toHaveCount(1);
  await expect(page.locator('.calendar-grid .day a')).toHaveAttribute('href', `days/${day}.html`);
  await page.screenshot({ path: 'test-results/export-calendar.png', fullPage: true });

  await page.locator(`.calendar-grid .day a`).click();
  await expect(page).toHaveURL(new RegExp(`days/${day}\\.html$`));
  const thumbnail = page.locator('.day-products tr', { hasText: `satellite.${site}` }).locator('img');
  await expect(thumbnail).toHaveCount(1);
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/export-day.png', fullPage: true });

  await page.getByRole('link', { name: `Archived case ${site}` }).click();
  await expect(page).toHaveURL(new RegExp(`case-studies/${slug}\\.html$`));
  await expect(page.locator('.case-description strong')).toHaveText('for good');
  await page.screenshot({ path: 'test-results/export-case.png', fullPage: true });

  await page.locator('.case-product a').first().click();
  await expect(page).toHaveURL(new RegExp(`products/${product.id}\\.html$`));
  await expect(page.locator('.product-sheet')).toContainText(name);
  await page.screenshot({ path: 'test-results/export-product.png', fullPage: true });
  await page.getByRole('link', { name: 'Calendar' }).first().click();
  await expect(page).toHaveURL(/index\.html$/);
  expect(failed, 'requests that failed').toEqual([]);
});
