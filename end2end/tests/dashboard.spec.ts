import { test, expect, type Page } from '@playwright/test';
import { PNG, catalogued, dropFile, idOf, minute, open, platform, shift } from './helpers';

const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

test('the timeline groups lanes, zooms, pans, folds and shows help', async ({ page, request }) => {
  const plat = platform('TL');
  const now = new Date();
  const names = [
    `model.${plat}.${minute(shift(now, -12))}.012h_precip.png`,
    `model.${plat}.${minute(shift(now, -6))}.006h_precip.png`,
    `satellite.${plat}.${minute(shift(now, -1))}.ir108.png`,
    `upperair.${plat}.${minute(shift(now, -3))}.sounding.csv`,
  ];
  for (const name of names) dropFile(name, PNG);
  await catalogued(request, plat, names.length);
  await open(page, `?plat=${plat}`);

  // Families in order, then platform, lane, and one row per forecast run.
  const rows = await page.locator('.timeline .row').evaluateAll((els) => els.map((e) => e.getAttribute('data-row')));
  expect(rows).toEqual([
    'f:forecast',
    `g:model.${plat}`,
    `l:model.${plat}.precip`,
    `r:model.${plat}.precip.${minute(shift(now, -6))}`,
    `r:model.${plat}.precip.${minute(shift(now, -12))}`,
    'f:remote',
    `g:satellite.${plat}`,
    `l:satellite.${plat}.ir108`,
    'f:insitu',
    `g:upperair.${plat}`,
    `l:upperair.${plat}.sounding`,
  ]);
  // Both runs of the forecast are valid now: their marks line up.
  const left = (row: string) => page.locator(`.row[data-row="${row}"] .mark`).evaluate((m) => (m as HTMLElement).style.left);
  expect(await left(`r:model.${plat}.precip.${minute(shift(now, -6))}`)).toBe(
    await left(`r:model.${plat}.precip.${minute(shift(now, -12))}`),
  );
  await expect(page.locator('.tick.day').first()).toBeVisible();
  await expect(page.locator('.now-line')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('timeline.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor))
    .toBe('rgb(16, 20, 24)'); // the dark theme follows the system
  await page.screenshot({ path: test.info().outputPath('timeline-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Zoom with the keyboard, the buttons and the wheel.
  await page.keyboard.press('+');
  await expect.poll(() => param(page, 'span')).toBe('24');
  await page.getByRole('link', { name: 'Zoom out (-)' }).click();
  await expect.poll(() => param(page, 'span')).toBeNull(); // back to the default two days
  const track = page.locator('.axis .track');
  const box = (await track.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  await page.mouse.wheel(0, 120);
  await expect.poll(() => param(page, 'span')).toBe('72');

  // Drag to pan: the window stops following now and moves earlier.
  expect(param(page, 'from')).not.toBeNull(); // the wheel pinned it
  const before = param(page, 'from')!;
  const lane = (await page.locator(`.row[data-row="l:satellite.${plat}.ir108"] .track`).boundingBox())!;
  await page.mouse.move(lane.x + 100, lane.y + lane.height / 2);
  await page.mouse.down();
  await page.mouse.move(lane.x + 300, lane.y + lane.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => param(page, 'from')! < before).toBe(true);
  await page.getByRole('link', { name: 'Follow now (f)' }).click();
  await expect.poll(() => param(page, 'from')).toBeNull();

  // Folding a family draws its products as one row.
  await page.getByRole('link', { name: 'Fold Forecasts' }).click();
  await expect(page.locator('.row[data-row="f:forecast"]')).toHaveClass(/folded/);
  await expect(page.locator(`.row[data-row="g:model.${plat}"]`)).toHaveCount(0);
  await expect(page.locator('.row[data-row="f:forecast"] .mark')).toHaveCount(2);

  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard and mouse' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('help.png') });
  await page.keyboard.press('Escape');
  await expect(page.locator('.help')).toHaveCount(0);
});

test('← and → step the cursor through product times, and the URL follows', async ({ page, request }) => {
  const plat = platform('CUR');
  const now = new Date();
  const times = [-5, -3, -2].map((h) => shift(now, h));
  for (const t of times) dropFile(`surface.${plat}.${minute(t)}.t2m.csv`, Buffer.from('time,t2m\n'));
  await catalogued(request, plat, 3);
  await open(page, `?plat=${plat}&t=${minute(shift(now, -4))}`);

  await page.keyboard.press('ArrowRight');
  await expect.poll(() => param(page, 't')).toBe(minute(times[1]));
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => param(page, 't')).toBe(minute(times[2]));
  await expect(page.locator('.cursor-time')).toHaveAttribute('data-cursor', minute(times[2]));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => param(page, 't')).toBe(minute(times[0]));
  // A click on the axis puts the cursor there.
  const axis = (await page.locator('.axis .track').boundingBox())!;
  await page.mouse.click(axis.x + axis.width * 0.1, axis.y + axis.height / 2);
  await expect.poll(() => param(page, 't')).not.toBe(minute(times[0]));
  // The permalink reopens the same view.
  const url = page.url();
  await page.goto(url);
  await expect(page.locator('.cursor-time')).toHaveAttribute('data-cursor', param(page, 't')!);
});

test('the situation grid shows the nearest product and updates live', async ({ page, request }) => {
  const plat = platform('SIT');
  const cursor = shift(new Date(), -1);
  const far = `satellite.${plat}.${minute(shift(cursor, -3))}.ir108.png`;
  const obs = `surface.${plat}.${minute(shift(cursor, 0.5))}.t2m.png`;
  dropFile(far, PNG);
  dropFile(obs, PNG);
  const first = await catalogued(request, plat, 2);
  const lanes = `satellite.${plat}.ir108,surface.${plat}.t2m`;
  await open(page, `?lanes=${lanes}&t=${minute(cursor)}`);

  const sat = page.locator(`.situation .cell[data-lane="satellite.${plat}.ir108"]`);
  const surface = page.locator(`.situation .cell[data-lane="surface.${plat}.t2m"]`);
  await expect(sat.locator('.cell-open')).toHaveAttribute('data-id', String(idOf(first, far)));
  await expect(sat.locator('.offset')).toHaveText('\u22123 h');
  await expect(sat).toHaveClass(/stale/); // an image three hours old
  await expect(surface.locator('.offset')).toHaveText('+30 min');
  await expect(surface).not.toHaveClass(/stale/);

  // A nearer image arrives: the cell changes without a reload.
  const near = `satellite.${plat}.${minute(shift(cursor, -0.2))}.ir108.png`;
  dropFile(near, PNG);
  const second = await catalogued(request, plat, 3);
  await expect(sat.locator('.cell-open')).toHaveAttribute('data-id', String(idOf(second, near)));
  await expect(sat.locator('.offset')).toHaveText('\u221212 min');
  await expect(sat).not.toHaveClass(/stale/);
  await page.screenshot({ path: test.info().outputPath('situation.png'), fullPage: true });

  // Lanes are removed and added with a click, and the URL keeps them.
  await surface.getByRole('link', { name: /Remove/ }).click();
  await expect(surface).toHaveCount(0);
  expect(param(page, 'lanes')).toBe(`satellite.${plat}.ir108`);
  await page.locator(`.row[data-row="l:surface.${plat}.t2m"] .pin`).click();
  await expect(surface).toBeVisible();
});

test('run-to-run lists every run valid at a time, newest first', async ({ page, request }) => {
  const plat = platform('R2R');
  const base = shift(new Date(), -36);
  base.setUTCHours(0);
  const run = (h: number) => minute(shift(base, h));
  const valid = shift(base, 36);
  const names = {
    newest: `model.${plat}.${run(24)}.012h_precip.png`,
    middle: `model.${plat}.${run(12)}.024h_precip.png`,
    oldest: `model.${plat}.${run(0)}.036h_precip.png`,
    otherLead: `model.${plat}.${run(24)}.015h_precip.png`,
    otherField: `model.${plat}.${run(24)}.012h_wind.png`,
  };
  for (const name of Object.values(names)) dropFile(name, PNG);
  await catalogued(request, plat, 5);
  await open(page, `?runs=model.${plat}.precip&valid=${minute(valid)}`);

  const cards = page.locator('.runs .run-card img');
  await expect(cards).toHaveCount(3);
  expect(await cards.evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')))).toEqual([
    names.newest,
    names.middle,
    names.oldest,
  ]);
  await expect(page.locator('.runs .run-label').first()).toContainText('+12 h');
  await page.screenshot({ path: test.info().outputPath('run-to-run.png'), fullPage: true });

  // The viewer of a forecast leads to the same comparison.
  await page.locator('.runs .run-card > a').nth(1).click();
  await expect(page.locator('.viewer')).toBeVisible();
  await page.getByRole('link', { name: 'Compare runs' }).click();
  await expect(page.locator('.viewer')).toHaveCount(0);
  await expect(cards).toHaveCount(3);
});

test('the viewer loops through a run, plays and stops', async ({ page, request }) => {
  const plat = platform('LOOP');
  const runTime = minute(shift(new Date(), -6));
  const names = [0, 3, 6, 9].map((h) => `model.${plat}.${runTime}.${String(h).padStart(3, '0')}h_precip.png`);
  for (const name of names) dropFile(name, PNG);
  const products = await catalogued(request, plat, 4);
  const ids = names.map((n) => idOf(products, n));
  await open(page, `?open=${ids[0]}`);

  const viewer = page.locator('.viewer');
  await expect(viewer).toHaveAttribute('data-id', String(ids[0]));
  await expect(viewer.locator('.frame-count')).toHaveText('1 / 4');
  await expect(viewer.locator('.preload img')).toHaveCount(3);
  await page.keyboard.press('ArrowRight');
  await expect(viewer).toHaveAttribute('data-id', String(ids[1]));

  // Space plays: frames advance on their own, wrapping around the run.
  await viewer.getByRole('combobox', { name: 'Loop speed' }).selectOption('12');
  await page.keyboard.press(' ');
  await expect(viewer).toHaveAttribute('data-playing', 'true');
  const seen = new Set<string>();
  await expect
    .poll(async () => {
      seen.add((await viewer.getAttribute('data-id'))!);
      return seen.size;
    }, { intervals: [20] })
    .toBe(4);
  await page.screenshot({ path: test.info().outputPath('viewer-loop.png') });

  // Space again stops it where it is.
  await page.keyboard.press(' ');
  await expect(viewer).toHaveAttribute('data-playing', 'false');
  const stopped = await viewer.getAttribute('data-id');
  await page.waitForTimeout(500);
  await expect(viewer).toHaveAttribute('data-id', stopped!);
});

test('filters narrow the board, and arrivals while hidden are counted', async ({ page, request }) => {
  const plat = platform('FLT');
  const now = new Date();
  const old = [`satellite.${plat}.${minute(shift(now, -2))}.ir108.png`, `surface.${plat}.${minute(shift(now, -2))}.t2m.png`];
  for (const name of old) dropFile(name, PNG);
  await catalogued(request, plat, 2);
  await open(page, `?plat=${plat}`);
  const marks = page.locator('.timeline .mark');
  await expect(marks).toHaveCount(2);

  // By family, by words, and "new since I opened the page".
  await page.getByRole('checkbox', { name: 'In situ' }).check();
  await expect.poll(() => param(page, 'fam')).toBe('insitu');
  await expect(marks).toHaveCount(1);
  await page.getByRole('checkbox', { name: 'In situ' }).uncheck();
  await page.getByRole('searchbox', { name: 'Search product names' }).fill('ir108');
  await expect.poll(() => param(page, 'q')).toBe('ir108');
  await expect(marks).toHaveCount(1);
  await expect(marks.first()).toHaveAttribute('data-file-name', old[0]);
  await page.getByRole('searchbox', { name: 'Search product names' }).fill('');
  await page.getByRole('checkbox', { name: 'New since opened' }).check();
  await expect(marks).toHaveCount(0);

  // The tab goes to the background; what arrives meanwhile is counted, in the title too.
  const setHidden = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { value: h, configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    }, hidden);
  await setHidden(true);
  const fresh = `satellite.${plat}.${minute(now)}.wv062.png`;
  dropFile(fresh, PNG);
  await expect(page).toHaveTitle('(1) opsboard');
  await expect(marks).toHaveCount(1); // new since opened
  await setHidden(false);
  await expect(page).toHaveTitle('opsboard');
  await expect(page.locator('.away')).toHaveText('1 new while away');

  // The header shows UTC and the configured local zone.
  await expect(page.locator('.clock.utc .clock-time')).toHaveText(/^\d\d:\d\d:\d\d$/);
  await expect(page.locator('.clock.local .clock-time')).toHaveText(/^\d\d:\d\d (CET|CEST|GMT\+\d)$/);
  await expect(page.locator('.clock.local .clock-zone')).toHaveText('Europe/Paris');
});

test('zooming out beyond the loaded stretch loads it', async ({ page, request }) => {
  const plat = platform('OLD');
  const old = `surface.${plat}.${minute(shift(new Date(), -20 * 24))}.t2m.png`;
  dropFile(old, PNG);
  await catalogued(request, plat, 1);
  await open(page, `?plat=${plat}`);
  // Twenty days back is outside what the page loaded (a week before the window).
  await expect(page.locator(`.row[data-lane="surface.${plat}.t2m"]`)).toHaveCount(0);
  for (let i = 0; i < 5; i++) await page.keyboard.press('-');
  await expect.poll(() => param(page, 'span')).toBe('720');
  await expect(page.locator(`.mark[data-file-name="${old}"]`)).toBeVisible();
});
