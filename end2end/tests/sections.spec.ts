import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { catalogued, dropFile, platform, root } from './helpers';

/** pycontrails' ERA5 sample (scripts/grib-samples.sh, run by `make unit`): 2019-01-01 12 and 13 UTC, 27 levels. */
const ERA5 = path.join(root, 'target/grib-samples/met-20190101-eu.nc');

test('an operation page shows each plan\'s section of the model run valid nearest take-off', async ({ page, request }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1280, height: 1400 });
  const model = platform('ERA');
  dropFile(`model.${model}.201901011200.pl.nc`, fs.readFileSync(ERA5));
  const [product] = await catalogued(request, model, 1);
  const aircraft = platform('SAFIRE');
  expect((await request.post('/api/v1/platforms', { data: { name: aircraft, kind: 'aircraft' } })).status()).toBe(200);
  const planned = await request.post('/api/v1/operations', {
    data: {
      platform: aircraft, kind: 'flight', title: 'Under the front',
      planned_start: '2019-01-01T13:10:00Z', planned_end: '2019-01-01T16:00:00Z', objectives: 'Profile the front',
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><rte><name>Biscay</name>
    <rtept lat="43.55" lon="1.37"><ele>160</ele><name>TLS</name></rtept><rtept lat="44.0" lon="-0.5"><ele>5500</ele><name>WP1</name></rtept><rtept lat="45.1" lon="-1.2"><ele>5500</ele><name>WP2</name></rtept></rte></gpx>`;
  const attached = await request.post(`/api/v1/operations/${operation.id}/plans?format=gpx`, { data: gpx });
  expect(attached.status()).toBe(201);
  const plan = (await attached.json()).id;

  await page.goto(`/operations/${operation.id}`);
  const card = page.locator('.plan-card');
  await expect(card).toHaveCount(1);
  // Temperature along the plan, by default; the chart loads.
  const chart = card.locator('.plan-section[data-field="t"] img');
  await expect(chart).toHaveAttribute('src', `/api/v1/plans/${plan}/section?field=t`);
  await expect.poll(() => chart.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 }).toBe(900);
  // It is the ERA5 run's 13 UTC, named by the plan's waypoints.
  const svg = await (await request.get(`/api/v1/plans/${plan}/section?field=t`)).text();
  expect(svg).toContain(`${model} t (K) along the plan, valid 2019-01-01 13:00 UTC`);
  for (const name of ['TLS', 'WP1', 'WP2']) expect(svg).toContain(`>${name}</text>`);
  const json = await (await request.get(`/api/v1/plans/${plan}/section?field=t&format=json`)).json();
  expect(json.product_id).toBe(product.id);

  // Two fields, one of which no run holds: a chart and a reason.
  const fields = page.getByLabel('Model fields along the plans');
  await fields.fill('t, q, nope');
  await fields.press('Enter');
  await expect(card.locator('.plan-section')).toHaveCount(3);
  const wind = card.locator('.plan-section[data-field="q"] img');
  await expect.poll(() => wind.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 20_000 }).toBe(900);
  await expect(card.locator('.plan-section[data-field="nope"]')).toContainText('No section of nope');
  await card.screenshot({ path: 'test-results/plan-sections.png' });
});
