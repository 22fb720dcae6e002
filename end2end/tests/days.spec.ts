import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import { catalogued, dropFile, minute, open, platform, PNG } from './helpers';

/** Today at `hour`:00 UTC. */
function todayAt(hour: number): Date {
  const t = new Date();
  t.setUTCHours(hour, 0, 0, 0);
  return t;
}

const day = (t: Date) => t.toISOString().slice(0, 10);

/** Waits until a page other than the board is hydrated (its handlers attached). */
async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
}

test('the calendar, a day, a case study made from a timeline window, search with facets and its bundle', async ({ page, request }) => {
  const site = platform('DAY');
  const noon = todayAt(12);
  const name = `satellite.${site}.${minute(noon)}.ir108.png`;
  dropFile(name, PNG);
  const [product] = await catalogued(request, site, 1);
  const iop = `IOP-${site}`;
  const yesterday = new Date(noon.getTime() - 86_400_000);
  const tomorrow = new Date(noon.getTime() + 86_400_000);
  expect((await request.post('/api/v1/iops', {
    data: { name: iop, start: `${day(noon)}T00:00:00Z`, end: `${day(noon)}T23:59:00Z` },
  })).status()).toBe(200);
  expect((await request.post('/api/v1/platforms', { data: { name: site, kind: 'ground' } })).status()).toBe(200);
  const planned = await request.post('/api/v1/operations', {
    data: { platform: site, kind: 'launch', title: 'Sounding into the line', planned_start: `${day(noon)}T11:00:00Z` },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  expect((await request.put('/api/v1/case-tags/convection', { data: { long_name: 'Deep convection', tier: 1 } })).status()).toBe(200);

  // The calendar: today's cell coloured by its IOP, with the launch and the product.
  await page.goto(`/calendar?from=${day(yesterday)}&to=${day(tomorrow)}`);
  const cell = page.locator('.calendar-grid .day', { has: page.locator(`a[href="/days/${day(noon)}"]`) });
  await expect(cell).toHaveClass(/\biop-\d\b/);
  await expect(cell.locator('.iop-name')).toContainText(iop);
  await expect(cell.locator('.op', { hasText: operation.code })).toHaveCount(1);
  await expect(cell.locator('.fam-remote')).toContainText('Remote sensing');
  await expect(page.locator('.calendar-grid .day')).toHaveCount(3);
  await page.screenshot({ path: 'test-results/calendar.png', fullPage: true });

  // Its day: the operation, the key product's thumbnail once made.
  await cell.locator('a').click();
  await expect(page).toHaveURL(new RegExp(`/days/${day(noon)}$`));
  await expect(page.locator('.day-operation h4', { hasText: operation.code })).toHaveCount(1);
  await expect(page.locator('.day-iops li', { hasText: iop })).toHaveCount(1);
  const lane = page.locator('.day-products tr', { hasText: `satellite.${site}` });
  await expect(lane.locator('.key-product')).toHaveCount(1);
  await expect(async () => {
    await page.reload();
    await expect(lane.locator('.key-product img')).toHaveCount(1, { timeout: 1000 });
  }).toPass();
  await page.screenshot({ path: 'test-results/day.png', fullPage: true });

  // The board's window around the product, the product open: a new case
  // from the window (the bar's link) with the product (the viewer's).
  await open(page, `?at=${day(noon)}T12:00&span=24&open=${product.id}`);
  const fromWindow = `/case-studies/new?from=${day(noon)}T00%3A00Z&to=${day(tomorrow)}T00%3A00Z&pin=${product.id}`;
  await expect(page.locator('.controls a.new-case')).toHaveAttribute('href', fromWindow);
  await page.screenshot({ path: 'test-results/case-from-window.png' });
  await page.locator('.viewer a.new-case').click();
  await expect(page).toHaveURL(/\/case-studies\/new\?/);
  await hydrated(page);
  const form = page.locator('form.case-form');
  await expect(form.locator('input[name="start"]')).toHaveValue(`${day(noon)}T00:00`);
  await expect(form.locator('input[name="end"]')).toHaveValue(`${day(tomorrow)}T00:00`);
  await expect(form.locator('input[name="pin"]')).toBeChecked();
  await expect(form).toContainText(name);
  await form.locator('input[name="title"]').fill(`Convection over ${site}`);
  await form.locator('input[name="tag"][value="convection"]').check();
  await form.locator('textarea[name="description"]').fill('Cells grew over the *site* by noon.');
  await form.locator('input[name="published"]').check();
  await page.screenshot({ path: 'test-results/case-new.png', fullPage: true });
  await form.getByRole('button', { name: 'Save the case study' }).click();
  const slug = `convection-over-${site.toLowerCase()}`;
  await expect(page).toHaveURL(new RegExp(`/case-studies/${slug}$`));
  await expect(page.locator('.case-title')).toHaveText(`Convection over ${site}`);
  await expect(page.locator('.case-description em')).toHaveText('site');
  await expect(page.locator('.case-product a')).toHaveText(`${name} (version 1)`);

  // Its bundle, with its progress.
  await hydrated(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.case-bundle').click()]);
  expect(download.suggestedFilename()).toBe(`${slug}.zip`);
  const saved = test.info().outputPath(`${slug}.zip`);
  await download.saveAs(saved);
  expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
  await expect(page.locator('.bundle-status')).toContainText('Downloaded');
  await page.screenshot({ path: 'test-results/case-bundle-progress.png' });

  // Search: the site's name finds the product, the case and the IOP named
  // after it; a facet narrows it.
  await page.goto(`/search?q=${site}`);
  const kinds = page.locator('.facet[data-facet="kind"]');
  await expect(kinds).toContainText('Products');
  await expect(kinds).toContainText('Case studies');
  await expect(kinds).toContainText('IOPs');
  await expect(page.locator('.hit')).toHaveCount(3);
  await expect(page.locator('.hit[data-kind="iop"] a')).toHaveAttribute('href', `/days/${day(noon)}`);
  await page.screenshot({ path: 'test-results/search.png', fullPage: true });
  await kinds.getByRole('link', { name: 'Case studies' }).click();
  await expect(page.locator('.hit')).toHaveCount(1);
  await expect(page.locator('.facet[data-facet="kind"] .chosen')).toContainText('Case studies');
  await expect(page.locator('.facet[data-facet="tag"]')).toContainText('convection');
  await page.screenshot({ path: 'test-results/search-facet.png', fullPage: true });
  await page.locator('.hit-title').click();
  await expect(page).toHaveURL(new RegExp(`/case-studies/${slug}$`));

  // Back on the day: the case touches it.
  await page.goto(`/days/${day(noon)}`);
  await expect(page.locator('.day-cases')).toContainText(`Convection over ${site}`);
  await page.goto(`/calendar?from=${day(yesterday)}&to=${day(tomorrow)}`);
  // (Other tests' cases may touch today too, with their tags.)
  await expect(cell.locator('.tag', { hasText: 'convection' })).toHaveCount(1);
});

test('a day two years back is two clicks from the calendar, and a month is one form away', async ({ page, request }) => {
  const site = platform('OLD');
  const then = todayAt(12);
  then.setUTCFullYear(then.getUTCFullYear() - 2);
  dropFile(`satellite.${site}.${minute(then)}.ir108.png`, PNG);
  await catalogued(request, site, 1);

  await page.goto('/calendar');
  const year = String(then.getUTCFullYear());
  await page.locator('.calendar-moves .years a', { hasText: year }).click(); // 1
  await expect(page.locator('#calendar-title')).toContainText(year);
  await expect(page.locator('.calendar-moves a[aria-current="page"]')).toHaveText(year);
  await page.locator(`.calendar-grid a[href="/days/${day(then)}"]`).click(); // 2
  await expect(page).toHaveURL(new RegExp(`/days/${day(then)}$`));
  await expect(page.locator('body')).toContainText(site);
  await page.screenshot({ path: test.info().outputPath('day-two-years-back.png'), fullPage: true });

  // A month by the date control: the calendar of that month alone.
  await page.goto('/calendar');
  await hydrated(page);
  await page.locator('.month-jump input[name="month"]').fill(day(then).slice(0, 7));
  await page.locator('.month-jump button').click();
  await expect(page).toHaveURL(new RegExp(`month=${day(then).slice(0, 7)}`));
  await expect(page.locator(`.calendar-grid a[href="/days/${day(then)}"]`)).toHaveCount(1);
  const days = await page.locator('.calendar-grid .day').count();
  expect(days).toBeGreaterThanOrEqual(28);
  expect(days).toBeLessThanOrEqual(31);
});

test('a flight is found by the area it flew over on the search page', async ({ page, request }) => {
  const site = platform('FLY');
  // Flown this morning: three hours ago, whatever the hour (a flight dated
  // ahead of the clock is not believed, as a live packet would not be).
  const start = new Date(Date.now() - 3 * 3_600_000);
  start.setUTCSeconds(0, 0);
  const packets = Array.from({ length: 60 }, (_, s) => {
    const t = new Date(start.getTime() + s * 60_000).toISOString().slice(0, 19);
    return `IWG1,${t},${(46 + s * 0.02).toFixed(3)},${(7 + s * 0.03).toFixed(3)},9000,,,,200${','.repeat(24)}`;
  });
  dropFile(`aircraft.${site}.${minute(start)}.flight.iwg1`, Buffer.from(packets.join('\n')));
  const [flight] = await catalogued(request, site, 1);

  await page.goto(`/search?q=${site.toLowerCase()}`);
  await hydrated(page); // drawn before hydration, nothing would be kept
  // The area drawn on the small map: press at its north-west corner, drag, release at the south-east.
  await page.getByText('Draw the area on a map').click();
  const map = page.getByRole('img', { name: /Draw the area to search/ });
  await page.getByRole('button', { name: 'Zoom the area map in' }).click();
  const [lon0, lat0, perPx] = (await map.getAttribute('data-view'))!.split(',').map(Number);
  const frame = (await map.boundingBox())!;
  const screen = (lon: number, lat: number) => ({
    x: frame.x + (480 + ((lon - lon0) * Math.cos((lat0 * Math.PI) / 180)) / perPx) * (frame.width / 960),
    y: frame.y + (270 - (lat - lat0) / perPx) * (frame.height / 540),
  });
  // The map opens on Europe: the flight's area is in view, zoomed in.
  const nw = screen(7.5, 47);
  const se = screen(8.5, 46.3);
  for (const p of [nw, se]) {
    expect(p.x).toBeGreaterThan(frame.x);
    expect(p.x).toBeLessThan(frame.x + frame.width);
  }
  await page.mouse.move(nw.x, nw.y);
  await page.mouse.down();
  await page.mouse.move((nw.x + se.x) / 2, (nw.y + se.y) / 2, { steps: 4 });
  await page.mouse.move(se.x, se.y, { steps: 4 });
  await page.mouse.up();
  const area = (await page.getByLabel('Area', { exact: true }).inputValue()).split(',').map(Number);
  // Within a few pixels (0.035° each at this zoom) of the corners meant.
  [7.5, 46.3, 8.5, 47].forEach((meant, i) => expect(Math.abs(area[i] - meant), `${area}`).toBeLessThan(0.15));
  await expect(map.locator('rect.area-box')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('search-area-drawn.png'), fullPage: true });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/bbox=7\.\d+%2C46\.\d+%2C8\.\d+%2C4[67]/);
  await expect(page.locator('.search-page')).toContainText(flight.file_name.replace(/\./g, ' ').slice(0, 20));
  // Another area: the flight is not there.
  await hydrated(page);
  await page.getByLabel('Area', { exact: true }).fill('-5,40,-4,41');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.search-page')).toContainText('Nothing found.');

  // Opened, the flight shows its altitude plot and its track on a map.
  await open(page, `?t=${minute(start)}&open=${flight.id}`);
  await expect(page.locator('.viewer .track-look .snapshot-line')).toHaveAttribute('d', /^M[\d.]+ [\d.]+(L[\d.-]+ [\d.-]+)+$/);
  await expect(page.locator('.viewer .track-look')).toHaveAttribute('data-points', /^\d+$/);
  await expect(page.locator('.viewer-body img').first()).toHaveAttribute('src', `/api/v1/products/${flight.id}/preview`);
  const plot = await request.get(`/api/v1/products/${flight.id}/preview`);
  expect(plot.headers()['content-type']).toContain('svg');
  // (It flew level at one speed: its latitude and longitude vary.)
  expect(await plot.text()).toContain('latitude');
  await page.screenshot({ path: test.info().outputPath('flight-quick-look.png') });
});
