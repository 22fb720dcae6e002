import { test, expect, type Browser } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A board left open on the satellite link while the centres keep publishing:
// what it costs per minute, in lite mode and in full, side by side over the
// same minutes. Its own server, with the demo feeder (a product every 2.5 s,
// previews drawn), so that the stream is a busy day's.
const MINUTES = Number(process.env.BENCH_IDLE_MINUTES ?? 10);
const PORT = Number(process.env.BENCH_IDLE_PORT ?? 3921);
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = path.join(__dirname, '..', '..');
/** The goal for ten minutes in lite mode. */
const GOAL_KIB = 500;

const LINK = { offline: false, latency: 700, downloadThroughput: 432_000 / 8, uploadThroughput: 128_000 / 8 };

function serveDemo(): { server: ChildProcess; dataDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsboard-idle-'));
  const server = spawn(path.join(ROOT, 'target/release/opsboard'), ['serve', '--demo', '--access', 'public', '--listen', `127.0.0.1:${PORT}`], {
    env: { ...process.env, OPSBOARD_DATA_DIR: dataDir, LEPTOS_SITE_ROOT: path.join(ROOT, 'target/site'), RUST_LOG: 'warn' },
    stdio: 'ignore',
  });
  return { server, dataDir };
}

/** The products that arrived since `since` (the demo writes a few a minute). */
async function arrivedSince(since: Date): Promise<number> {
  const products: { ingested_at: string }[] = await (await fetch(`${BASE}/api/v1/products?limit=100000`)).json();
  return products.filter((p) => new Date(p.ingested_at) >= since).length;
}

async function healthy(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const health = await (await fetch(`${BASE}/api/v1/health`)).json();
      if (health.status === 'ok' && (await arrivedSince(new Date(0))) > 0) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the demo server did not start');
}

/** A board on the emulated link that counts what crosses it once `counting` is set. */
async function board(browser: Browser, query: string) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', LINK);
  const state = { counting: false, http: 0, websocket: 0, requests: 0 };
  cdp.on('Network.loadingFinished', (e) => {
    if (state.counting) {
      state.http += e.encodedDataLength;
      state.requests += 1;
    }
  });
  cdp.on('Network.webSocketFrameReceived', (e) => {
    if (state.counting) state.websocket += e.response.payloadData.length;
  });
  await page.goto(`${BASE}/${query}`, { timeout: 120_000 });
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1', { timeout: 120_000 });
  await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => {});
  return { context, page, state };
}

test('idle: ten minutes of a busy feed on the satellite link, lite and full', async ({ browser }) => {
  test.setTimeout((MINUTES + 5) * 60_000);
  const { server, dataDir } = serveDemo();
  try {
    await healthy();
    const lite = await board(browser, '?lite=1');
    const full = await board(browser, '?lite=0');
    await expect(lite.page.locator('a.lite')).toBeVisible();
    const started = new Date();
    lite.state.counting = full.state.counting = true;
    await new Promise((r) => setTimeout(r, MINUTES * 60_000));
    lite.state.counting = full.state.counting = false;
    const arrived = await arrivedSince(started);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const row = (name: string, s: typeof lite.state) =>
      `  ${name.padEnd(6)} ${kib(s.http + s.websocket).padEnd(12)} ${kib((s.http + s.websocket) / MINUTES).padEnd(12)} ${kib(s.websocket).padEnd(12)} ${kib(s.http).padEnd(12)} ${s.requests}`;
    console.log(`
idle benchmark: a board left open ${MINUTES} min on a 432 kbit/s, 700 ms link, demo feed (${arrived} products arrived)
  mode   total        per minute   websocket    http         requests
${row('lite', lite.state)}
${row('full', full.state)}
  goal (lite): < ${GOAL_KIB / 10} KiB a minute, ${GOAL_KIB} KiB in ten
`);
    fs.mkdirSync(test.info().outputDir, { recursive: true });
    fs.writeFileSync(
      test.info().outputPath('idle.json'),
      JSON.stringify({ minutes: MINUTES, arrived, lite: lite.state, full: full.state }, null, 2),
    );
    expect(arrived).toBeGreaterThan(0);
    // Both boards kept up with the feed while counted.
    for (const b of [lite, full]) await expect(b.page.locator('.arrival-list a').first()).toBeVisible();
    await lite.context.close();
    await full.context.close();
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
