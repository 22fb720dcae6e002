import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import { catalogued, dropFile, minute, platform, PNG } from './helpers';

test('a case study page shows its description safely, its pins and segments, and downloads its bundle', async ({ page, request }) => {
  const site = platform('SITE');
  const time = new Date();
  time.setUTCMinutes(0, 0, 0);
  const name = `satellite.${site}.${minute(time)}.ir108.png`;
  dropFile(name, PNG);
  const [product] = await catalogued(request, site, 1);
  const tag = await request.put('/api/v1/case-tags/squall_line', { data: { long_name: 'Squall line', tier: 1 } });
  expect(tag.status()).toBe(200);
  const slug = `squall-${site.toLowerCase()}`;
  const start = new Date(time.getTime() - 6 * 3_600_000);
  const end = new Date(time.getTime() + 6 * 3_600_000);
  const made = await request.post('/api/v1/case-studies', {
    data: {
      slug, title: 'The squall line crossing the network',
      start: start.toISOString(), end: end.toISOString(), bbox: [-5, 42, 3.5, 47],
      tags: ['squall_line'],
      description: 'The line reached the coast at **18 UTC**.\n\n<script>window.ran = true</script>\n\n[radar](javascript:window.ran=true)',
      pins: [{ product_id: product.id, version: 1 }],
      segments: [{ segment_id: 'leg-1', name: 'first crossing', start: start.toISOString(), end: time.toISOString(), kinds: ['straight_leg'] }],
      published: true,
    },
  });
  expect(made.status()).toBe(201);

  await page.goto(`/case-studies/${slug}`);
  await expect(page.locator('.case-title')).toHaveText('The squall line crossing the network');
  await expect(page.locator('.case-description strong')).toHaveText('18 UTC');
  await expect(page.locator('.case-description script')).toHaveCount(0);
  await expect(page.locator('.case-description a[href^="javascript"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBeUndefined();
  await expect(page.locator('.case-tags .tag')).toHaveText(['squall_line']);
  await expect(page.locator('.case-segments tbody tr')).toHaveCount(1);
  await expect(page.locator('.case-segments tbody td').first()).toHaveText('leg-1');
  await expect(page.locator('.case-product a')).toHaveText(`${name} (version 1)`);
  await page.screenshot({ path: 'test-results/case-study.png', fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.case-bundle').click()]);
  expect(download.suggestedFilename()).toBe(`${slug}.zip`);
  const saved = test.info().outputPath(`${slug}.zip`);
  await download.saveAs(saved);
  const bytes = fs.readFileSync(saved);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from(`${slug}/datacite.json`))).toBe(true);
  expect(bytes.includes(Buffer.from(`${slug}/files/v1/${name}`))).toBe(true);
  await page.screenshot({ path: 'test-results/case-study-bundle.png' });
});
