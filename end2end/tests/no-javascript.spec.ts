import { test, expect } from '@playwright/test';
import { catalogued, dropFile, idOf, platform, PNG, stamp } from './helpers';

test.use({ javaScriptEnabled: false });

test('the server-rendered board lists products without JavaScript', async ({ page, request }) => {
  const plat = platform('NOJS');
  const name = `surface.${plat}.${stamp()}.t2m.png`;
  dropFile(name, PNG);
  const products = await catalogued(request, plat, 1);

  await page.goto('/');
  const mark = page.locator(`.timeline .mark[data-file-name="${name}"]`);
  await expect(mark).toBeVisible();
  // A mark opens its product in the viewer, which the server draws.
  await expect(mark).toHaveAttribute('href', `?open=${idOf(products, name)}`);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'static');
  await expect(page.locator(`.row[data-lane="surface.${plat}.t2m"]`)).toBeVisible();
  await expect(page.locator('.tick.day').first()).toBeVisible();

  // Controls are links: zooming works without a script.
  await page.getByRole('link', { name: 'Zoom in (+)' }).click();
  await expect(page).toHaveURL(/span=24/);
  await expect(page.locator('.span-label')).toHaveText('1 d');

  // A permalink opens the viewer, rendered on the server.
  await page.goto(`/?open=${idOf(products, name)}&lanes=surface.${plat}.t2m`);
  await expect(page.locator('.viewer .metadata')).toContainText(name.split('.')[2].slice(0, 4));
  await expect(page.locator(`.situation .cell[data-lane="surface.${plat}.t2m"]`)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('no-javascript.png') });
});
