import { test, expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { dropFile, minute, platform, PNG, root, shift } from './helpers';

// The link drops (satcom, a phone in a hangar): the service worker keeps the
// board the browser last had, which says it is offline and catches up with
// exactly what it missed when the link returns; a logout leaves nothing of
// it behind.

/** A participant of this test's own: a logout here ends no other test's session. */
function addUser(name: string, password: string): void {
  execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['user', 'add', name, '--role', 'viewer', '--password-stdin', '--data-dir', process.env.E2E_DATA_DIR!],
    { input: `${password}\n` },
  );
}

/** Waits until the service worker controls `page` (a page opened before it
 *  installed is not controlled: it is reloaded once). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
}

const arrivalsNamed = (page: Page, name: string) => page.locator(`.arrival-list a[data-file-name="${name}"]`);

test('the board stays readable offline, catches up once back, and is forgotten at logout', async ({ browser }) => {
  test.setTimeout(90_000);
  const user = platform('off');
  addUser(user, 'offline password');
  const plat = platform('OFF');
  const at = minute(shift(new Date(), -1));
  const restricted = `satellite.${plat}.${at}.secret.png`;
  dropFile(`${restricted}.json`, Buffer.from('{"restricted": true}'));
  dropFile(restricted, PNG);

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill('offline password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await controlled(page);
  await expect(arrivalsNamed(page, restricted)).toHaveCount(1);
  // The picture as the board showed it: kept by the worker.
  const thumbnail = await page.evaluate(
    async ([plat, name]) => {
      const products = await (await fetch(`/api/v1/products?platform=${plat}`)).json();
      const url = `/api/v1/products/${products.find((p: { file_name: string }) => p.file_name === name).id}/thumbnail`;
      // Made a moment after the product arrives.
      for (let i = 0; i < 50; i++) {
        if ((await fetch(url)).ok) return url;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${url} never answered`);
    },
    [plat, restricted],
  );

  // The link drops: the last board is shown, hydrated, and says so.
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await expect(arrivalsNamed(page, restricted)).toHaveCount(1);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', /reconnecting|offline/);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
  await expect(page.locator('.conn')).toContainText(/offline since \d\d:\d\d UTC/);
  await page.screenshot({ path: test.info().outputPath('offline.png') });

  // What arrives meanwhile is shown once the link is back: once, no gap.
  const missed = [1, 2, 3].map((i) => `satellite.${plat}.${at}.missed${i}.png`);
  for (const name of missed) dropFile(name, PNG);
  await page.waitForTimeout(1_500);
  await context.setOffline(false);
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live', { timeout: 40_000 });
  for (const name of missed) await expect(arrivalsNamed(page, name)).toHaveCount(1);
  await expect(arrivalsNamed(page, restricted)).toHaveCount(1);

  // Logged out: nothing of the campaign is kept, online or not.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await page.evaluate(() => caches.keys())).toEqual([]);
  await context.setOffline(true);
  await expect(page.goto('/')).rejects.toThrow();
  await expect(page.goto(thumbnail)).rejects.toThrow();
  await context.close();
});

test("a new deployment's worker replaces the old one and deletes its files", async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  // As two deployments register it: the same script, another build's hash.
  const keys = await page.evaluate(async () => {
    const activate = async (build: string) => {
      const registration = await navigator.serviceWorker.register(`/sw.js?build=${build}`);
      const worker = registration.installing ?? registration.waiting ?? registration.active;
      if (worker && worker.state !== 'activated') {
        await new Promise<void>((done) =>
          worker.addEventListener('statechange', () => worker.state === 'activated' && done()),
        );
      }
    };
    await activate('e2eOld1');
    await (await caches.open('opsboard-code-e2eOld1')).put('/pkg/old.js', new Response('old'));
    const before = await caches.keys();
    await activate('e2eNew2');
    return { before, after: await caches.keys() };
  });
  expect(keys.before).toContain('opsboard-code-e2eOld1');
  expect(keys.after).not.toContain('opsboard-code-e2eOld1');
});
