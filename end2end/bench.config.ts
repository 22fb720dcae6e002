import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { chromium } from './chromium';
import seed from './bench/seed';

// The dashboard benchmark (`make bench`): a release build, 5 000 products in
// view, figures printed. Not part of `make test`: targets are met here, not in
// timed tests.
process.env.BENCH_DATA_DIR ??= path.join(__dirname, '.data', `bench-${Date.now()}`);
// Seeded here, before the server starts: `opsboard import` refuses a data
// dir a server holds. Workers load this file too; the flag keeps it to once.
if (!process.env.BENCH_SEEDED) {
  seed();
  process.env.BENCH_SEEDED = '1';
}
const port = Number(process.env.BENCH_PORT ?? 3919);
const root = path.join(__dirname, '..');

export default defineConfig({
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  outputDir: './test-results/bench',
  timeout: 600_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
  },
  webServer: {
    command: `${path.join(root, 'target/release/opsboard')} serve --no-previews --access public --listen 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      OPSBOARD_DATA_DIR: process.env.BENCH_DATA_DIR,
      LEPTOS_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'warn',
    },
  },
});
