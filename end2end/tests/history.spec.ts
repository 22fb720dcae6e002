import { test, expect } from '@playwright/test';
import { PNG, catalogued, dropFile, minute, open, platform, shift } from './helpers';

test('the arrivals history pages back and filters, however busy the feed', async ({ page, request }) => {
  const plat = platform('HIST');
  const now = new Date();
  const names = Array.from({ length: 45 }, (_, i) => `surface.${plat}.${minute(shift(now, -i / 6))}.t2m.png`);
  for (const name of names) dropFile(name, PNG);
  await catalogued(request, plat, names.length);
  await open(page);

  const items = page.locator('.arrivals .arrival-list li');
  await expect(items).toHaveCount(20);
  await page.getByRole('searchbox', { name: 'Filter arrivals' }).fill(plat);
  await expect(items).toHaveCount(20);
  const older = page.getByRole('button', { name: 'Older arrivals' });
  await older.click();
  await expect(items).toHaveCount(40);
  await older.click();
  await expect(items).toHaveCount(45);
  await expect(page.getByRole('button', { name: 'No older arrivals' })).toBeDisabled();
  // Every one of ours, once, newest first.
  const listed = await items.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-file-name')));
  expect(new Set(listed).size).toBe(45);
  expect(listed.every((n) => n!.includes(plat))).toBe(true);
  await page.screenshot({ path: test.info().outputPath('arrivals-history.png') });

  // A live arrival goes on top.
  const fresh = `surface.${plat}.${minute(now)}.rh.png`;
  dropFile(fresh, PNG);
  await expect(items.first().locator('a')).toHaveAttribute('data-file-name', fresh);
});

test('search reaches the whole catalogue, and a found product opens where it lies', async ({ page, request }) => {
  const plat = platform('SRCH');
  const old = `aircraft.${plat}.201209262050.merge.png`;
  dropFile(old, PNG);
  await catalogued(request, plat, 1);
  await open(page);
  await expect(page.locator(`.mark[data-file-name="${old}"]`)).toHaveCount(0);

  await page.getByRole('searchbox', { name: 'Search product names' }).fill(plat);
  const found = page.locator('.search-results .found a');
  await expect(found).toHaveCount(1);
  await expect(page.locator('.search-results h2')).toHaveText('1 in the whole catalogue');
  await expect(page.locator('.search-results time')).toContainText('2012');
  await found.click();
  await expect(page.locator('.viewer')).toHaveAttribute('data-id', await found.getAttribute('data-id') as string);
  await expect(page.locator('.viewer-title')).toContainText(old);

  // Without JavaScript the server renders the same results.
  const html = await (await request.get(`/?q=${plat}`)).text();
  expect(html).toContain('1 in the whole catalogue');
  expect(html).toContain(old);
});

test('the viewer reaches the older versions of a product', async ({ page, request }) => {
  const plat = platform('VER');
  const name = `satellite.${plat}.${minute(shift(new Date(), -1))}.ir108.png`;
  dropFile(name, PNG);
  await catalogued(request, plat, 1);
  dropFile(name, Buffer.concat([PNG, Buffer.from('second version')]));
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/products?platform=${plat}`)).json()) as { version: number }[])[0].version)
    .toBe(2);
  const [current] = await catalogued(request, plat, 1);
  await open(page, `?open=${current.id}`);
  const versions = page.locator('.viewer .versions li');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText('v2');
  await expect(versions.last()).toContainText('v1');
  await expect(versions.last().getByRole('link', { name: 'download' })).toHaveAttribute('href', /\/api\/v1\/products\/\d+\/file/);
});
