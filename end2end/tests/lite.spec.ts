import { test, expect } from '@playwright/test';
import { catalogued, dropFile, idOf, minute, open, platform, PNG, shift } from './helpers';

// Lite mode, for a satellite link or a weak network: chosen by the address
// and remembered, or by the browser's own "save data"; thumbnails only until
// the full picture is asked for, no frame fetched ahead, bytes shown.

const pictures = (page: import('@playwright/test').Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((r) => new URL(r.name).pathname)
      .filter((p) => /\/api\/v1\/products\/\d+\/(preview|thumbnail|file)$/.test(p)),
  );

test('lite mode shows thumbnails until asked, is remembered, and says what it used', async ({ page, request }) => {
  const plat = platform('LITE');
  const run = minute(shift(new Date(), -3));
  const names = [0, 3, 6].map((h) => `model.${plat}.${run}.${String(h).padStart(3, '0')}h_precip.png`);
  for (const name of names) dropFile(name, PNG);
  const products = await catalogued(request, plat, 3);
  const ids = names.map((n) => idOf(products, n));
  // Previews are made a moment after each product arrives.
  await expect
    .poll(async () => {
      const list = await (await request.get(`/api/v1/products?platform=${plat}`)).json();
      return list.filter((p: { preview_url?: string; thumbnail_url?: string }) => p.preview_url && p.thumbnail_url).length;
    })
    .toBe(3);

  await open(page, `?lite=1&open=${ids[0]}`);
  const viewer = page.locator('.viewer');
  await expect(viewer.locator('img.viewer-image')).toHaveAttribute('src', `/api/v1/products/${ids[0]}/thumbnail`);
  await expect(viewer.locator('.preload img')).toHaveCount(0);
  await expect(page.locator('a.lite')).toContainText(/lite · \d+ KB used/);
  // The situation's thumbnails, drawn narrower.
  const thumbs = await page.locator('img.thumb').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
  expect(thumbs.length).toBeGreaterThan(0);
  for (const src of thumbs) expect(src).toMatch(/\/thumbnail\?w=160$/);
  expect((await pictures(page)).filter((p) => p.endsWith('/preview'))).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('lite.png') });

  // The full picture, when asked for.
  await viewer.getByRole('button', { name: 'Full picture' }).click();
  await expect(viewer.locator('img.viewer-image')).toHaveAttribute('src', `/api/v1/products/${ids[0]}/preview`);

  // Remembered: the next page, without the word, is lite too (rendered so).
  await open(page, `?open=${ids[1]}`);
  await expect(page.locator('.viewer img.viewer-image')).toHaveAttribute('src', `/api/v1/products/${ids[1]}/thumbnail`);

  // Live changes still come, a second's worth at a time, none lost.
  const later = [9, 12, 15].map((h) => `model.${plat}.${run}.${String(h).padStart(3, '0')}h_precip.png`);
  for (const name of later) dropFile(name, PNG);
  for (const name of later) await expect(page.locator(`.arrival-list a[data-file-name="${name}"]`)).toHaveCount(1);

  // Left by its link (the viewer closed first: it covers the header):
  // previews and frames ahead again.
  await page.keyboard.press('Escape');
  await expect(page.locator('.viewer')).toHaveCount(0);
  await page.locator('a.lite').click();
  await expect(page).toHaveURL(/lite=0/);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await expect(page.locator('a.lite-off')).toBeVisible();
  await open(page, `?open=${ids[1]}`);
  await expect(page.locator('.viewer img.viewer-image')).toHaveAttribute('src', `/api/v1/products/${ids[1]}/preview`);
  await expect(page.locator('.viewer .preload img')).toHaveCount(5); // the run's other leads
});

test('a browser that asks to save data gets lite mode, unless the reader said no', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(navigator, 'connection', { value: { saveData: true, effectiveType: '4g' } });
  });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await expect(page.locator('a.lite')).toBeVisible();
  // Remembered for the server's next render.
  expect((await context.cookies()).find((c) => c.name === 'opsboard_lite')?.value).toBe('1');

  // Said no: the hint no longer counts.
  await page.goto('/?lite=0');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await expect(page.locator('a.lite-off')).toBeVisible();
  await context.close();
});

test('before its code arrives, a mark still opens its product, in the same view', async ({ browser, request }) => {
  const plat = platform('EARLY');
  const name = `satellite.${plat}.${minute(shift(new Date(), -2))}.ir108.png`;
  dropFile(name, PNG);
  const id = idOf(await catalogued(request, plat, 1), name);
  // No script at all: what a reader on a slow link has until the wasm lands.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`/?plat=${plat}&span=24`);
  const mark = page.locator(`.timeline a.mark[data-id="${id}"]`);
  await expect(mark).toHaveAttribute('href', `?span=24&plat=${plat}&open=${id}`);
  await mark.click();
  // The server drew the viewer, the view kept (a link, not the file).
  await expect(page).toHaveURL(new RegExp(`[?&]open=${id}(&|$)`));
  await expect(page).toHaveURL(/span=24/);
  await expect(page.locator('.viewer .viewer-title')).toContainText(name);
  await expect(page.locator(`.timeline a.mark[data-id="${id}"]`)).toHaveCount(1);
  await context.close();
});

test('lite mode draws the coasts coarser, over the same box', async ({ page }) => {
  // What the map asks for its coasts and borders, and how many points came.
  const basemap = async (query: string) => {
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/map/basemap'));
    await open(page, query);
    const response = await answered;
    const lines: { coast: number[][][]; borders: number[][][] } = await response.json();
    const points = [...lines.coast, ...lines.borders].reduce((n, line) => n + line.length, 0);
    return { asked: new URL(response.url()).searchParams, points };
  };
  const full = await basemap('?lite=0&map=1');
  const lite = await basemap('?lite=1&map=1');
  expect(lite.asked.get('bbox')).toBe(full.asked.get('bbox'));
  expect(Math.abs(Number(lite.asked.get('width')) - Number(full.asked.get('width')) / 4)).toBeLessThanOrEqual(1);
  expect(lite.points).toBeLessThanOrEqual(full.points);
});
