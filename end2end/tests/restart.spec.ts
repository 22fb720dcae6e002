import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { dropFile, healthy, platform, PNG, stamp, startServer } from './helpers';

const port = Number(process.env.E2E_PORT ?? 3917) + 1;
const serve = (dataDir: string) => startServer(dataDir, port, ['--access', 'public']);

test('after a server restart the page resumes and shows what was dropped meanwhile', async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = path.join(process.env.E2E_DATA_DIR!, `restart-${Date.now()}`);
  fs.mkdirSync(dataDir, { recursive: true });
  let server = serve(dataDir);
  try {
    await healthy(port);
    const plat = platform('RST');
    const before = `satellite.${plat}.${stamp()}.ir108.png`;
    dropFile(before, PNG, path.join(dataDir, 'incoming'));
    await page.goto(`http://127.0.0.1:${port}/`);
    const conn = page.locator('.conn');
    await expect(conn).toHaveAttribute('data-state', 'live');
    await expect(page.locator(`.mark[data-file-name="${before}"]`)).toBeVisible();

    // The server goes away: the page says so, then how long it has been offline.
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await expect(conn).toHaveAttribute('data-state', /reconnecting|offline/);
    await expect(conn).toHaveAttribute('data-state', 'offline', { timeout: 15_000 });
    await expect(conn).toContainText(/offline since \d\d:\d\d UTC/);
    await page.screenshot({ path: test.info().outputPath('offline.png') });

    // A product arrives while it is down, and it comes back.
    const during = `satellite.${plat}.${stamp()}.wv062.png`;
    dropFile(during, PNG, path.join(dataDir, 'incoming'));
    server = serve(dataDir);
    await healthy(port);
    await expect(conn).toHaveAttribute('data-state', 'live', { timeout: 40_000 });
    await expect(page.locator(`.mark[data-file-name="${during}"]`)).toBeVisible();
    await expect(page.locator(`.mark[data-file-name="${before}"]`)).toHaveCount(1);
  } finally {
    server.kill('SIGTERM');
  }
});
