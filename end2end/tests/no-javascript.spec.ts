import { test, expect } from '@playwright/test';
import { dropFile, PNG, stamp } from './helpers';

test.use({ javaScriptEnabled: false });

test('the server-rendered board lists products without JavaScript', async ({ page, request }) => {
  const name = `surface.NOJS.${stamp()}.t2m.png`;
  dropFile(name, PNG);
  await expect
    .poll(async () => (await (await request.get('/api/v1/products?platform=NOJS')).json()).length)
    .toBe(1);

  await page.goto('/');
  const mark = page.locator(`.timeline .mark[data-file-name="${name}"]`);
  await expect(mark).toBeVisible();
  await expect(mark).toHaveAttribute('href', /\/api\/v1\/products\/\d+\/file$/);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'static');
  await expect(page.locator('.lane[data-lane="surface/NOJS"]')).toBeVisible();
});
