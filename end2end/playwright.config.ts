import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { chromium } from './chromium';

// One data dir per run, shared with the workers through the environment
// (they inherit it from this main process).
process.env.E2E_DATA_DIR ??= path.join(__dirname, '.data', `run-${Date.now()}`);
const port = Number(process.env.E2E_PORT ?? 3917);
const root = path.join(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  webServer: {
    command: `${path.join(root, 'target/debug/opsboard')} serve --listen 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      OPSBOARD_DATA_DIR: process.env.E2E_DATA_DIR,
      LEPTOS_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'info,tower_http=warn',
      // The header shows this zone's time beside UTC.
      OPSBOARD_LOCAL_TZ: 'Europe/Paris',
    },
  },
});
