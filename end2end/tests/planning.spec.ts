import { test, expect, type Page } from '@playwright/test';
import { PNG, catalogued, dropFile, idOf, minute, open, platform, shift } from './helpers';

const param = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);
/** Where a positioned element sits along the timeline, in percent. */
const leftPct = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((e) => parseFloat((e as HTMLElement).style.left));

test('the board opens on the days ahead: now in the first third, +48 h leads in view', async ({ page, request }) => {
  const plat = platform('PLAN');
  // This morning's run: its +48 h lead is valid about 30 h from now.
  const run = shift(new Date(), -18);
  run.setUTCMinutes(0);
  const lead48 = `model.${plat}.${minute(run)}.048h_precip.png`;
  dropFile(lead48, PNG);
  await catalogued(request, plat, 1);
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page, `?plat=${plat}`);

  expect(await leftPct(page, '.now-line')).toBeLessThan(100 / 3);
  const mark = page.locator(`.timeline .mark[data-file-name="${lead48}"]`);
  await expect(mark).toBeVisible();
  const at = await leftPct(page, `.timeline .mark[data-file-name="${lead48}"]`);
  expect(at).toBeGreaterThan(0);
  expect(at).toBeLessThan(100);
  await page.screenshot({ path: test.info().outputPath('planning.png') });

  // Presets: the next 72 hours, and back to the last 24.
  await page.getByRole('link', { name: 'Next 72 h' }).click();
  await expect.poll(() => param(page, 'span')).toBe('72');
  await expect(page.getByRole('link', { name: 'Next 72 h' })).toHaveClass(/on/);
  await expect(mark).toBeVisible();
  await page.getByRole('link', { name: 'Last 24 h' }).click();
  await expect.poll(() => param(page, 'span')).toBe('24');
  expect(await leftPct(page, '.now-line')).toBeGreaterThan(90);
});

test('at 1440×900 the timeline, the situation grid and the arrivals share one screen', async ({ page, request }) => {
  const plat = platform('ONE');
  const now = new Date();
  // Many lanes: the timeline must not push the grid below the fold.
  const names = Array.from({ length: 30 }, (_, i) => `satellite.${plat}${i}.${minute(shift(now, -1))}.ch${i}.png`);
  for (const name of names) dropFile(name, PNG);
  dropFile(`aircraft.${plat}.${minute(shift(now, -2))}.insitu.csv`, Buffer.from('time,ALT\n0,100\n60,200\n'));
  for (let i = 0; i < 30; i++) await catalogued(request, `${plat}${i}`, 1);
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page);

  const top = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
  expect(await top('.situation-grid')).toBeLessThan(900);
  expect(await top('.arrivals')).toBeLessThan(900);
  expect(await top('.timeline')).toBeLessThan(900);
  // The default lanes keep a lane of every family present: in situ too.
  await expect(page.locator('.situation .cell.fam-insitu')).not.toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('one-screen.png') });

  // A chosen set of lanes is remembered by this browser.
  const lane = `satellite.${plat}0.ch0`;
  await open(page, `?lanes=${lane}`);
  await expect(page.locator('.situation .cell')).toHaveCount(1);
  await open(page);
  await expect.poll(() => param(page, 'lanes')).toBe(lane);
  await expect(page.locator('.situation .cell')).toHaveCount(1);
  await page.getByRole('link', { name: 'Default lanes' }).click();
  await expect.poll(() => param(page, 'lanes')).toBeNull();
  await open(page);
  expect(param(page, 'lanes')).toBeNull();
  await expect(page.locator('.situation .cell')).not.toHaveCount(1);
});

test('run-to-run opens in view, two runs side by side at full width, stepped together', async ({ page, request }) => {
  const plat = platform('CMP');
  const base = shift(new Date(), -36);
  base.setUTCHours(0, 0, 0, 0);
  const run = (h: number) => shift(base, h);
  const valid = shift(base, 36);
  // Two runs, each with leads valid at `valid` and three hours later.
  const name = (r: number, lead: number) =>
    `model.${plat}.${minute(run(r))}.${String(lead).padStart(3, '0')}h_precip.png`;
  const names = [name(24, 12), name(24, 15), name(12, 24), name(12, 27)];
  for (const n of names) dropFile(n, PNG);
  const products = await catalogued(request, plat, 4);
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page, `?plat=${plat}&open=${idOf(products, name(24, 12))}`);

  await page.getByRole('link', { name: 'Compare runs' }).click();
  const dialog = page.locator('.runs');
  await expect(dialog).toBeInViewport();
  const a = dialog.locator('.pane-a');
  const b = dialog.locator('.pane-b');
  await expect(a).toHaveAttribute('data-id', String(idOf(products, name(24, 12))));
  await expect(b).toHaveAttribute('data-id', String(idOf(products, name(12, 24))));
  const boxA = (await a.boundingBox())!;
  const boxB = (await b.boundingBox())!;
  expect(boxA.x + boxA.width).toBeLessThanOrEqual(boxB.x + 1);
  expect(Math.abs(boxA.y - boxB.y)).toBeLessThan(2);
  expect(boxA.width).toBeGreaterThan(1440 * 0.4);
  expect(boxB.width).toBeGreaterThan(1440 * 0.4);
  await page.screenshot({ path: test.info().outputPath('run-to-run-side-by-side.png') });

  // → steps both runs to their next common valid time.
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => param(page, 'valid')).toBe(minute(shift(valid, 3)));
  await expect(a).toHaveAttribute('data-id', String(idOf(products, name(24, 15))));
  await expect(b).toHaveAttribute('data-id', String(idOf(products, name(12, 27))));

  // Flicker and swipe show both in one place.
  await dialog.getByRole('link', { name: 'Flicker' }).click();
  await expect(dialog.locator('.stage')).toHaveAttribute('data-mode', 'flicker');
  const flickA = (await a.boundingBox())!;
  const flickB = (await b.boundingBox())!;
  expect(Math.abs(flickA.x - flickB.x)).toBeLessThan(2);
  await dialog.getByRole('link', { name: 'Swipe' }).click();
  await expect.poll(() => param(page, 'cmp')).toBe('swipe');
  await dialog.getByRole('slider', { name: /Swipe/ }).fill('25');
  await expect(b).toHaveCSS('clip-path', 'inset(0px 0px 0px 25%)');
  // The runs swapped by hand stay swapped while stepping.
  await dialog.locator('.run-card').nth(1).getByRole('link', { name: /as A/ }).click();
  await expect(a).toHaveAttribute('data-id', String(idOf(products, name(12, 27))));
  await page.keyboard.press('ArrowLeft');
  await expect(a).toHaveAttribute('data-id', String(idOf(products, name(12, 24))));
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('any two products side by side: pin one, open the other, compare', async ({ page, request }) => {
  const plat = platform('PAIR');
  const now = new Date();
  const sat = `satellite.${plat}.${minute(shift(now, -1))}.ir108.png`;
  const model = `model.${plat}.${minute(shift(now, -7))}.006h_precip.png`;
  dropFile(sat, PNG);
  dropFile(model, PNG);
  const products = await catalogued(request, plat, 2);
  await page.setViewportSize({ width: 1440, height: 900 });
  await open(page, `?plat=${plat}&open=${idOf(products, sat)}`);
  await page.getByRole('link', { name: 'Pin for comparison' }).click();
  await expect(page.getByRole('link', { name: 'Pinned (unpin)' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.locator(`.timeline .mark[data-file-name="${model}"]`).click();
  await expect(page.locator('.viewer')).toHaveAttribute('data-id', String(idOf(products, model)));
  await page.getByRole('link', { name: 'Compare with pinned' }).click();

  const dialog = page.getByRole('dialog', { name: 'Two products compared' });
  await expect(dialog).toBeInViewport();
  await expect(page.locator('.viewer')).toHaveCount(0);
  const a = dialog.locator('.pane-a');
  const b = dialog.locator('.pane-b');
  await expect(a).toHaveAttribute('data-id', String(idOf(products, sat)));
  await expect(b).toHaveAttribute('data-id', String(idOf(products, model)));
  const boxA = (await a.boundingBox())!;
  const boxB = (await b.boundingBox())!;
  expect(boxA.x + boxA.width).toBeLessThanOrEqual(boxB.x + 1);
  expect(boxB.width).toBeGreaterThan(1440 * 0.4);
  await expect(b.locator('figcaption')).toContainText(model);
  await dialog.getByRole('link', { name: 'Flicker' }).click();
  await expect(dialog.locator('.stage')).toHaveAttribute('data-mode', 'flicker');
  await page.screenshot({ path: test.info().outputPath('two-products-compared.png') });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('a date jump opens another year, with the year in the labels', async ({ page, request }) => {
  const plat = platform('Y2012');
  const old = `satellite.${plat}.201209262050.ir108.png`;
  dropFile(old, PNG);
  await catalogued(request, plat, 1);
  await open(page, `?plat=${plat}`);
  await expect(page.locator(`.mark[data-file-name="${old}"]`)).toHaveCount(0);

  await page.getByLabel('Date and time, UTC').fill('2012-09-26T18:00');
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(page.locator(`.mark[data-file-name="${old}"]`)).toBeVisible();
  await expect(page.locator('.cursor-time')).toContainText('2012');
  await expect(page.locator('.tick.day').first()).toContainText('2012');
  await expect(page.locator('.situation h2')).toContainText('Wed 26 Sep 2012');
  await page.screenshot({ path: test.info().outputPath('date-jump-2012.png') });

  // A link with a time in 2012 opens there too, rendered by the server.
  await page.goto(`/?plat=${plat}&t=201209262050`);
  await expect(page.locator(`.mark[data-file-name="${old}"]`)).toBeVisible();
  await expect(page.locator('.tick.day').first()).toContainText('2012');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('nothing is wider than the screen and the viewer fits', async ({ page, request }) => {
    const plat = platform('PHONE');
    const name = `satellite.${plat}.${minute(shift(new Date(), -1))}.ir108.png`;
    dropFile(name, PNG);
    const [product] = await catalogued(request, plat, 1);
    await open(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expect(page.locator('.clock.utc')).toBeInViewport();
    await expect(page.getByRole('link', { name: 'Upload', exact: true })).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Keyboard shortcuts' })).toBeInViewport();
    await page.screenshot({ path: test.info().outputPath('phone.png'), fullPage: true });

    await open(page, `?open=${product.id}`);
    const image = page.locator('.viewer-image');
    await expect(image).toBeVisible();
    const box = (await image.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: test.info().outputPath('phone-viewer.png') });
  });

  test('two fingers pinch the timeline to zoom', async ({ page, request }) => {
    const plat = platform('PINCH');
    dropFile(`satellite.${plat}.${minute(shift(new Date(), -1))}.ir108.png`, PNG);
    await catalogued(request, plat, 1);
    await open(page, `?plat=${plat}`);
    const track = page.locator('.timeline .row:not(.header) .track').first();
    const box = (await track.boundingBox())!;
    const pinch = (from: number, to: number) =>
      track.evaluate(
        (el, { mid, y, from, to }) => {
          const fire = (type: string, id: number, x: number) =>
            el.dispatchEvent(
              new PointerEvent(type, { pointerId: id, pointerType: 'touch', clientX: x, clientY: y, bubbles: true, isPrimary: id === 1 }),
            );
          fire('pointerdown', 11, mid - from);
          fire('pointerdown', 12, mid + from);
          const step = (to - from) / 10;
          for (let i = 1; i <= 10; i++) {
            fire('pointermove', 11, mid - from - step * i);
            fire('pointermove', 12, mid + from + step * i);
          }
          fire('pointerup', 11, mid - to);
          fire('pointerup', 12, mid + to);
        },
        { mid: box.x + box.width / 2, y: box.y + box.height / 2, from, to },
      );
    await pinch(20, 70); // fingers apart: zoom in
    await expect.poll(() => Number(param(page, 'span') ?? 48)).toBeLessThan(48);
    const zoomed = Number(param(page, 'span'));
    await pinch(70, 20); // together: zoom out
    await expect.poll(() => Number(param(page, 'span') ?? 48)).toBeGreaterThan(zoomed);
  });
});

test('marks are reached and opened from the keyboard', async ({ page, request }) => {
  const plat = platform('KEYS');
  const name = `satellite.${plat}.${minute(shift(new Date(), -1))}.ir108.png`;
  dropFile(name, PNG);
  await catalogued(request, plat, 1);
  await open(page, `?plat=${plat}`);
  const mark = page.locator(`.timeline .mark[data-file-name="${name}"]`);
  expect(await mark.getAttribute('tabindex')).toBeNull(); // in the tab order
  await mark.focus();
  await expect(mark).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.viewer')).toBeVisible();
  await expect(page.locator('.viewer-title')).toContainText(name);
});
