import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { catalogued, dropFile, open, platform, root } from './helpers';

/** pygrib's GFS sample (scripts/grib-samples.sh, run by `make unit`): run 2011-01-10 12 UTC, +120 h. */
const GFS = path.join(root, 'target/grib-samples/gfs.t12z.pgrbf120.2p5deg.grib2');

test('a GRIB2 file dropped: its thumbnail on the board, a field on the map with its legend and the value under the pointer', async ({ page, request }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1280, height: 1200 });
  const model = platform('GFS');
  dropFile(`model.${model}.201101101200.120h_pgrb.grib2`, fs.readFileSync(GFS));
  const [product] = await catalogued(request, model, 1);

  // The board at its valid time: the run's thumbnail, its pressure map.
  await open(page, `?plat=${model}&t=201101151200&map=1`);
  const thumbnail = page.locator(`img[src*="/products/${product.id}/thumbnail"]`).first();
  await expect(thumbnail).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // The map's menu lists the run's fields once they are read; choose 850 hPa temperature.
  const menu = page.getByRole('combobox', { name: 'Model field' });
  await expect(menu.locator('option', { hasText: `${model} · t 850 hPa` })).toHaveCount(1);
  await menu.selectOption({ label: `${model} · t 850 hPa` });
  const layer = page.locator('.map-field-layer image');
  await expect(layer).toHaveCount(1);
  const href = (await layer.getAttribute('href'))!;
  expect(href).toContain(`/api/v1/products/${product.id}/map?field=t&level=850&time=2011-01-15T12:00:00Z`);
  const drawn = await request.get(href);
  expect(drawn.status()).toBe(200);
  expect(drawn.headers()['content-type']).toBe('image/png');

  // Its legend, in degrees Celsius.
  const legend = page.locator('.map-field-legend img');
  await expect(legend).toBeVisible();
  await expect.poll(() => legend.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  const svg = await (await request.get((await legend.getAttribute('src'))!)).text();
  expect(svg).toContain('t 850 hPa (°C)');

  // The value under a resting pointer: the nearest grid point's, said so.
  const map = page.locator('.map-svg');
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2 + 3, box.y + box.height / 2 + 2);
  const readout = page.locator('.map-value');
  await expect(readout).toContainText(/^t 850 hPa: -?\d+\.\d °C at \d+\.\d\d° [NS] \d+\.\d\d° [EW] \(nearest grid point, \d+ km\)$/);
  // The value the API gives for that grid point, in the legend's units.
  const said = (await readout.textContent())!;
  const [, value, lat, ns, lon, ew] = said.match(/^t 850 hPa: (\S+) °C at (\S+)° ([NS]) (\S+)° ([EW])/)!;
  const answer = await (await request.get(
    `/api/v1/products/${product.id}/value?field=t&level=850&lat=${ns === 'N' ? lat : -lat}&lon=${ew === 'E' ? lon : -lon}`,
  )).json();
  expect((answer.value - 273.15).toFixed(1)).toBe(value);
  await page.locator('.map').screenshot({ path: 'test-results/map-field.png' });

  // Back to none: the field goes.
  await menu.selectOption({ label: 'none' });
  await expect(layer).toHaveCount(0);
  await expect(legend).toHaveCount(0);
});
