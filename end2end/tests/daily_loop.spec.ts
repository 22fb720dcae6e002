import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { catalogued, dropFile, idOf, minute, open, participant, pdfPages, platform, PNG, shift } from './helpers';

// The daily loop done entirely in the browser: a flight plan attached on the
// operation's page, a briefing built from the board by clicks, presented and
// printed, a case study pinned from a day's page. At a laptop's size, with
// the pages checked on a phone too.

const laptop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

async function hydrated(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
}

/** The page fits a phone: nothing to scroll sideways. */
async function fitsAPhone(page: Page, name: string): Promise<void> {
  await page.setViewportSize(phone);
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath(`${name}-390.png`), fullPage: true });
  await page.setViewportSize(laptop);
}

test('a flight plan is attached, replaced and removed on the operation page', async ({ browser, request }) => {
  const aircraft = platform('HALO');
  expect((await request.post('/api/v1/platforms', { data: { name: aircraft, kind: 'aircraft' } })).status()).toBe(200);
  const scientist = await participant(browser, 'scientist');
  // Weeks ahead: out of the board's window, whose lanes other tests count.
  const start = shift(new Date(), 24 * 21);
  const planned = await scientist.context.request.post('/api/v1/operations', {
    data: {
      platform: aircraft, kind: 'flight', title: 'RF07 across the jet',
      planned_start: start.toISOString(), planned_end: shift(start, 8).toISOString(),
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  const page = scientist.page;
  await page.setViewportSize(laptop);
  await page.goto(`/operations/${operation.id}`);
  await hydrated(page);
  await expect(page.locator('.op-plans')).toContainText('No plan attached.');

  // An airspace alone is no plan: refused with the reader's reason.
  await page.locator('.plan-drop input[type="file"]').setInputFiles({
    name: 'fir.kml', mimeType: 'application/vnd.google-earth.kml+xml',
    buffer: Buffer.from('<kml><Document><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>0,40 20,40 20,60 0,40</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>'),
  });
  await expect(page.locator('.op-plans [role="alert"]')).toContainText('polygons');

  // The HALO-like KML: its 241-point flight path, not the barbs or the FIR,
  // and the reader says what it left out.
  await page.locator('.plan-drop input[type="file"]').setInputFiles(path.join(__dirname, '../fixtures/halo-rf07.kml'));
  await expect(page.locator('.op-plans [role="status"]')).toContainText('Attached HALO RF07: 241 waypoints');
  await expect(page.locator('.op-plans [role="status"]')).toContainText('1 polygon');
  await expect(page.locator('.op-plans [role="status"]')).toContainText('5 point placemark(s) off the route');
  const card = page.locator('.plan-card');
  await expect(card).toHaveCount(1);
  await expect(card.locator('.plan-waypoints')).toHaveText('241 waypoints');
  const km = Number((await card.locator('.plan-length').textContent())!.replace(/\D/g, ''));
  expect(km).toBeGreaterThan(1400);
  await expect(card.locator('.plan-duration')).toHaveText(/^\dh\d\d at 750 km\/h$/);
  // At another speed, another duration.
  await page.locator('input[name="speed"]').fill('500');
  await expect(card.locator('.plan-duration')).toHaveText(/^\dh\d\d at 500 km\/h$/);
  await expect(card.locator('svg.map-snapshot .snapshot-line')).toHaveAttribute('d', /^M[\d.]+ [\d.]+(L[\d.-]+ [\d.-]+){240}$/);
  await expect(card.locator('svg.map-snapshot .coast')).toHaveAttribute('d', /L/);
  await card.locator('.plan-route summary').click();
  await expect(card.locator('.plan-route li').nth(80)).toContainText('IP1');
  const gpx = await scientist.context.request.get(await card.getByRole('link', { name: 'GPX' }).getAttribute('href') ?? '');
  expect(gpx.status()).toBe(200);
  expect((await gpx.text()).match(/<rtept /g)?.length).toBe(241);
  await page.screenshot({ path: test.info().outputPath('plan-1440.png'), fullPage: true });
  await fitsAPhone(page, 'plan');

  // Replaced by a newer file (a FliteStar route): one plan, the new one.
  await card.locator('.plan-replace input[type="file"]').setInputFiles({
    name: 'rf07-v2.txt', mimeType: 'text/plain',
    buffer: Buffer.from('# FliteStar/FliteMap generated flight plan.\nFWP 1 A EDMO N 48 4.9 E 11 16.9 1900\nFWP 2 W WP1 N 50 30.0 E 10 0.0 41000\nFWP 3 A EDMO N 48 4.9 E 11 16.9 1900\n'),
  });
  await expect(page.locator('.plan-card')).toHaveCount(1);
  await expect(page.locator('.plan-card .plan-waypoints')).toHaveText('3 waypoints');
  await expect(page.locator('.plan-card')).toContainText('FliteStar file');
  // Removed: none left, on the page and in the API.
  await page.locator('.plan-card').getByRole('button', { name: 'Remove' }).click();
  await expect(page.locator('.plan-card')).toHaveCount(0);
  const left = await (await request.get(`/api/v1/operations/${operation.id}/plans`)).json();
  expect(left).toEqual([]);
  await scientist.context.close();
});

test('a briefing of a product, a run-to-run and a map view, built by clicks, presented, followed and printed', async ({ browser, request }) => {
  const site = platform('BRC');
  const now = new Date();
  // A georeferenced satellite image, and two forecast runs valid at one time.
  const image = `satellite.${site}.${minute(shift(now, -1))}.ir108.png`;
  dropFile(`${image}.json`, Buffer.from(JSON.stringify({ bbox: [-5, 40, 5, 48], title: 'IR 10.8 µm' })));
  dropFile(image, PNG);
  const base = shift(now, -30);
  base.setUTCHours(0, 0, 0, 0);
  const run = (r: number, lead: number) => `model.${site}.${minute(shift(base, r))}.${String(lead).padStart(3, '0')}h_precip.png`;
  for (const n of [run(24, 12), run(12, 24)]) dropFile(n, PNG);
  const products = await catalogued(request, site, 3);

  const presenter = await participant(browser, 'scientist');
  const page = presenter.page;
  await page.setViewportSize(laptop);

  // A new briefing from the briefings page.
  await page.goto('/briefings');
  await hydrated(page);
  await page.getByText('Plan a briefing').click();
  const form = page.locator('.new-briefing form');
  await form.getByLabel('Title').fill(`Morning briefing ${site}`);
  const at = shift(now, 1).toISOString().slice(0, 16);
  await form.getByLabel('When (UTC)').fill(at);
  await form.getByRole('button', { name: 'Plan the briefing' }).click();
  await expect(page).toHaveURL(/\/briefings\/\d+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.locator('.briefing-head h2')).toHaveText(`Morning briefing ${site}`);

  /** Opens "Add to briefing" in `scope`, picks this briefing, comments, adds. */
  const addTo = async (scope: ReturnType<Page['locator']>, comment: string, count: number) => {
    const add = scope.locator('.add-briefing');
    await add.locator('summary').click();
    await expect(add.locator(`select option[value="${id}"]`)).toHaveCount(1);
    await add.locator('select').selectOption(id);
    await add.getByLabel('Comment').fill(comment);
    await add.getByRole('button', { name: 'Add' }).click();
    await expect(add.locator('.outcome')).toContainText(`as item ${count}.`);
  };

  // The product in the viewer.
  await open(page, `?plat=${site}&open=${idOf(products, image)}`);
  await addTo(page.locator('.viewer'), 'The line on the satellite image', 1);
  // Two runs side by side.
  await open(page, `?plat=${site}&open=${idOf(products, run(24, 12))}`);
  await page.getByRole('link', { name: 'Compare runs' }).click();
  await addTo(page.locator('.runs'), 'Both runs keep the rain over the site', 2);
  // The map.
  await page.goto(`/map?plat=${site}`);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');
  await expect(page.locator(`.map-images image[data-id="${idOf(products, image)}"]`)).toHaveCount(1);
  await addTo(page.locator('.map'), 'Where the aircraft goes', 3);

  // The briefing: each item as what it shows.
  await page.goto(`/briefings/${id}`);
  await hydrated(page);
  const slides = page.locator('.slide');
  await expect(slides).toHaveCount(3);
  await expect(slides.nth(0).locator('img')).toHaveAttribute('alt', `${image} (v1)`);
  await expect(slides.nth(1).locator('.slide-pictures img')).toHaveCount(2);
  await expect(slides.nth(1).locator('.slide-link a')).toHaveAttribute('href', /runs=/);
  await expect(slides.nth(2).locator('.slide-map svg image')).toHaveCount(1);
  await expect(slides.nth(2).locator('.slide-map svg .coast')).toHaveAttribute('d', /L/);

  // Reordered (the map first) and commented, kept after a reload.
  await page.getByRole('button', { name: 'Move item 3 up' }).click();
  await page.getByRole('button', { name: 'Move item 2 up' }).click();
  await expect(slides.nth(0).locator('.slide-map')).toHaveCount(1);
  await page.getByLabel('Comment on item 1').fill('Target area: the line crosses it at noon');
  await page.getByLabel('Comment on item 1').blur();
  await expect(slides.nth(0).locator('.slide-comment')).toHaveText('Target area: the line crosses it at noon');
  // A drag puts the satellite image (now last) first.
  await slides.nth(2).dragTo(slides.nth(0));
  await expect(slides.nth(0).locator('img')).toHaveAttribute('alt', `${image} (v1)`);
  await expect.poll(async () => {
    const stored = await (await presenter.context.request.get(`/api/v1/briefings/${id}`)).json();
    return stored.slides.map((s: { comment: string }) => s.comment);
  }).toEqual(['The line on the satellite image', 'Target area: the line crosses it at noon', 'Both runs keep the rain over the site']);
  await page.reload();
  await hydrated(page);
  await expect(slides.nth(1).locator('.slide-comment')).toHaveText('Target area: the line crosses it at noon');
  await page.screenshot({ path: test.info().outputPath('briefing-1440.png'), fullPage: true });
  await fitsAPhone(page, 'briefing');

  // Presented here, followed by a viewer elsewhere; on-screen buttons move both.
  const viewer = await participant(browser, 'viewer');
  await viewer.page.setViewportSize(laptop);
  for (const who of [page, viewer.page]) {
    await who.goto(`/briefings/${id}`);
    await expect(who.locator('.conn')).toHaveAttribute('data-state', 'live');
    await who.getByRole('button', { name: 'Present' }).click();
  }
  await expect(viewer.page.getByRole('button', { name: 'Next slide' })).toHaveCount(0);
  for (const at of [0, 1, 2]) {
    if (at > 0) await page.getByRole('button', { name: 'Next slide' }).click();
    await expect(viewer.page.locator('.slide.current')).toHaveAttribute('data-slide', String(at), { timeout: 1_000 });
    // The comment is on screen with its item.
    const comment = (await viewer.page.locator('.slide.current .slide-comment').boundingBox())!;
    expect(comment.y + comment.height).toBeLessThanOrEqual(900);
    const shown = (await viewer.page.locator('.slide.current :is(img, svg)').first().boundingBox())!;
    expect(shown.height).toBeGreaterThan(150);
    await viewer.page.screenshot({ path: test.info().outputPath(`briefing-presented-${at}.png`) });
  }
  await page.getByRole('button', { name: 'Previous slide' }).click();
  await expect(viewer.page.locator('.slide.current')).toHaveAttribute('data-slide', '1', { timeout: 1_000 });

  // Printed: one page per item, none blank, the map and the runs drawn.
  await viewer.page.keyboard.press('Escape');
  await viewer.page.emulateMedia({ media: 'print' });
  const pdf = await viewer.page.pdf({ format: 'A4' });
  fs.writeFileSync(test.info().outputPath('briefing.pdf'), pdf);
  const pages = pdfPages(pdf);
  expect(pages.length).toBe(3);
  for (const [n, p] of pages.entries()) {
    expect(p.text + p.drawn, `page ${n + 1} is blank`).toBeGreaterThan(0);
  }
  expect(pages.reduce((sum, p) => sum + p.drawn, 0)).toBeGreaterThanOrEqual(4);
  await presenter.context.close();
  await viewer.context.close();
});

test('three products pinned from a day page make a new case study', async ({ page, request }) => {
  const site = platform('PIN');
  const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const names = [6, 12, 18].map((h) => `satellite.${site}.${day.replace(/-/g, '')}${String(h).padStart(2, '0')}00.ir108.png`);
  for (const name of names) dropFile(name, PNG);
  const products = await catalogued(request, site, 3);
  await page.setViewportSize(laptop);
  await page.goto(`/days/${day}?hours=6,12,18`);
  await hydrated(page);
  const lane = page.locator('.day-products tr', { hasText: `satellite.${site}` });
  await expect(lane.locator('.key-product')).toHaveCount(3);
  for (const box of await lane.getByLabel('Pin').all()) await box.check();
  const link = page.getByRole('link', { name: 'New case study from this day with 3 pinned products' });
  await expect(link).toHaveAttribute('href', /pin=\d+%2C\d+%2C\d+/);
  await page.screenshot({ path: test.info().outputPath('day-pins-1440.png'), fullPage: true });
  await fitsAPhone(page, 'day-pins');
  await link.click();

  await expect(page).toHaveURL(/\/case-studies\/new\?/);
  await hydrated(page);
  const form = page.locator('form.case-form');
  await expect(form.locator('input[name="pin"]:checked')).toHaveCount(3);
  await expect(form.locator('input[name="start"]')).toHaveValue(`${day}T00:00`);
  await form.locator('input[name="title"]').fill(`Three looks at ${site}`);
  await form.getByRole('button', { name: 'Save the case study' }).click();
  await expect(page).toHaveURL(new RegExp(`/case-studies/three-looks-at-${site.toLowerCase()}$`));
  await expect(page.locator('.case-product')).toHaveCount(3);
  for (const name of names) await expect(page.locator('.case-product', { hasText: name })).toHaveCount(1);
  expect(products.length).toBe(3);
});
