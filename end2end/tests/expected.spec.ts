import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dropFile, healthy, minute, platform, PNG, root, startServer } from './helpers';

// Products the campaign expects (sources.toml) and has not received: hollow
// marks in their lanes on the board, in the warning colour past their
// deadline, filled in place when the file comes.

const port = Number(process.env.E2E_PORT ?? 3917) + 3;

test('a withheld lead is a hollow mark, late, until its file fills it', async ({ page }) => {
  const dataDir = path.join(process.env.E2E_DATA_DIR!, `expected-${Date.now()}`);
  fs.mkdirSync(path.join(dataDir, 'incoming'), { recursive: true });
  // The run an hour ago (on the hour), three leads, due within 30 minutes:
  // all of it late now.
  const run = new Date(Date.now() - 3_600_000);
  run.setUTCMinutes(0, 0, 0);
  const plat = platform('EXP').toUpperCase();
  fs.writeFileSync(
    path.join(dataDir, 'sources.toml'),
    `[[expect]]\ncategory = "model"\nplatform = "${plat}"\nproduct = "{lead:03}h_t2m"\n` +
      `runs = ["${String(run.getUTCHours()).padStart(2, '0')}"]\nleads = [0, 1, 2]\ndeadline = "30m"\nkeep_runs = 1\n`,
  );
  const name = (lead: number) => `model.${plat}.${minute(run)}.${String(lead).padStart(3, '0')}h_t2m.png`;
  const server = startServer(dataDir, port, ['--access', 'public']);
  try {
    await healthy(port);
    const incoming = path.join(dataDir, 'incoming');
    dropFile(name(0), PNG, incoming);
    dropFile(name(2), PNG, incoming);
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(async () => (await (await fetch(`${base}/api/v1/expected?status=arrived`)).json()).length)
      .toBe(2);

    // A participant: told when a run goes late (the public is not).
    execFileSync(
      path.join(root, 'target/debug/opsboard'),
      ['user', 'add', 'planner', '--role', 'viewer', '--password-stdin', '--data-dir', dataDir],
      { input: 'a participant password\n' },
    );
    const login = await page.request.post(`${base}/api/v1/session`, {
      data: { user: 'planner', password: 'a participant password' },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${base}/?plat=${plat}`);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
    const row = page.locator(`.timeline .row[data-run="${minute(run)}"][data-lane="model.${plat}.t2m"]`);
    const hollow = row.locator('.mark.expected');
    await expect(hollow).toHaveCount(1);
    await expect(hollow).toHaveClass(/\blate\b/);
    await expect(hollow).toHaveAttribute('title', new RegExp(`${plat} 001h_t2m .* \\+001h: (\\d+ min|\\d+ h \\d\\d) late`));
    await expect(row.locator('a.mark')).toHaveCount(2);
    // The warning colour, as drawn.
    const colour = await hollow.evaluate((e) => getComputedStyle(e).borderTopColor);
    expect(colour).toBe('rgb(213, 94, 0)');
    const where = await hollow.evaluate((e) => (e as HTMLElement).style.left);
    await page.screenshot({ path: test.info().outputPath('expected-late.png') });

    // The file comes: the hollow mark is filled in place, live.
    dropFile(name(1), PNG, incoming);
    const filled = row.locator(`a.mark[data-file-name="${name(1)}"]`);
    await expect(filled).toHaveCount(1);
    await expect(hollow).toHaveCount(0);
    expect(await filled.evaluate((e) => (e as HTMLElement).style.left)).toBe(where);
    await page.screenshot({ path: test.info().outputPath('expected-filled.png') });

    // Expected since the page was made (an edit of sources.toml): drawn once
    // it goes late, without a reload.
    fs.appendFileSync(
      path.join(dataDir, 'sources.toml'),
      `\n[[expect]]\ncategory = "model"\nplatform = "${plat}"\nproduct = "{lead:03}h_msl"\n` +
        `runs = ["${String(run.getUTCHours()).padStart(2, '0')}"]\nleads = [0]\ndeadline = "30m"\nkeep_runs = 1\n`,
    );
    const added = page.locator(
      `.timeline .row[data-run="${minute(run)}"][data-lane="model.${plat}.msl"] .mark.expected`,
    );
    await expect(added).toHaveCount(1, { timeout: 20_000 });
    await expect(added).toHaveClass(/\blate\b/);

    // The day's punctuality: all three came, none by its deadline.
    await page.goto(`${base}/days/${run.toISOString().slice(0, 10)}`);
    const punctual = page.locator(`.day-punctuality tr[data-source="model.${plat}"] td`);
    await expect(punctual.nth(1)).toHaveText('3 of 3');
    await expect(punctual.nth(2)).toHaveText('0 (0 %)');
    await expect(punctual.nth(5)).toHaveText('0');
  } finally {
    server.kill('SIGTERM');
  }
});
