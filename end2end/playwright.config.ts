import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from './chromium';

// One data dir per run, shared with the workers through the environment
// (they inherit it from this main process).
process.env.E2E_DATA_DIR ??= path.join(__dirname, '.data', `run-${Date.now()}`);
const port = Number(process.env.E2E_PORT ?? 3917);
const root = path.join(__dirname, '..');

// The server runs in participants mode (the default): the tests act as an
// admin made with the real command line before it starts, logged in once by
// global-setup.ts. Workers load this file too; the flag keeps it to once.
export const admin = { user: 'e2e-admin', password: 'e2e admin password' };
if (!process.env.E2E_ADMIN_MADE) {
  execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['user', 'add', admin.user, '--role', 'admin', '--password-stdin', '--data-dir', process.env.E2E_DATA_DIR],
    { input: `${admin.password}\n` },
  );
  process.env.E2E_ADMIN_MADE = '1';
}

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    storageState: path.join(__dirname, '.data', 'admin-state.json'),
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
    // A laptop's screen, as the campaign's users have: every flow is tried
    // at this size unless its test sets another (390 × 844 for a phone).
    viewport: { width: 1440, height: 900 },
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
