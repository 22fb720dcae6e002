import { request, type FullConfig } from '@playwright/test';
import path from 'node:path';
import { admin } from './playwright.config';

/** Logs the admin in through the real login endpoint and keeps its session
 * cookie for every test (tests that need the public open a fresh context). */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL;
  const context = await request.newContext({ baseURL });
  const response = await context.post('/api/v1/session', { data: admin });
  if (!response.ok()) {
    throw new Error(`admin login failed: ${response.status()} ${await response.text()}`);
  }
  await context.storageState({ path: path.join(__dirname, '.data', 'admin-state.json') });
  await context.dispose();
}
