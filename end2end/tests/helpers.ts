import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';

/** The repository: where the binary and the built site are. */
export const root = path.join(__dirname, '../..');

/** The drop folder of the server under test. */
export const incoming = path.join(process.env.E2E_DATA_DIR!, 'incoming');

/** A 1×1 PNG: enough for the viewer to decode. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** `YYYYMMDDhhmmss` in UTC, the time token of file names. */
export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `YYYYMMDDhhmm` in UTC: the time token of names and of the `t=` of URLs. */
export function minute(date: Date): string {
  return stamp(date).slice(0, 12);
}

/** `date` moved by `hours` (fractions allowed), truncated to the minute. */
export function shift(date: Date, hours: number): Date {
  const t = new Date(date.getTime() + hours * 3_600_000);
  t.setUTCSeconds(0, 0);
  return t;
}

/** A platform name no other test uses, so each test owns its lanes. */
export function platform(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Drops a file the way careful providers do: write `.name.part`, rename. */
export function dropFile(name: string, bytes: Buffer, folder = incoming): void {
  const part = path.join(folder, `.${name}.part`);
  fs.writeFileSync(part, bytes);
  fs.renameSync(part, path.join(folder, name));
}

export type ProductJson = { id: number; file_name: string; valid_time: string };

/** Waits until the catalogue holds `count` products of `platform`; returns them. */
export async function catalogued(
  request: APIRequestContext,
  platform: string,
  count: number,
): Promise<ProductJson[]> {
  let products: ProductJson[] = [];
  await expect
    .poll(async () => {
      products = await (await request.get(`/api/v1/products?platform=${platform}`)).json();
      return products.length;
    })
    .toBe(count);
  return products;
}

/** The id of the product named `name` among `products`. */
export function idOf(products: ProductJson[], name: string): number {
  const found = products.find((p) => p.file_name === name);
  if (!found) throw new Error(`${name} is not catalogued`);
  return found.id;
}

/** Errors a page has logged (console errors and uncaught exceptions), per page. */
const pageErrors = new WeakMap<Page, string[]>();

/**
 * Opens `query` and waits until the page is interactive and live. The page's
 * errors are collected from then on: a hydration mismatch logs one and leaves
 * a page that looks right but does not react, so `open` fails on any.
 */
export async function open(page: Page, query = ''): Promise<void> {
  if (!pageErrors.has(page)) {
    const errors: string[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('Failed to load resource')) errors.push(m.text());
    });
  }
  await page.goto(`/${query}`);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1');
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');
  expect(pageErrors.get(page), 'the page logged errors').toEqual([]);
}

/**
 * A server of a test's own, on its own data dir and `port`, with `args` after
 * `serve` (the shared one runs in participants mode; these in public mode).
 */
export function startServer(dataDir: string, port: number, args: string[] = []): ChildProcess {
  return spawn(path.join(root, 'target/debug/opsboard'), ['serve', '--listen', `127.0.0.1:${port}`, ...args], {
    env: {
      ...process.env,
      OPSBOARD_DATA_DIR: dataDir,
      LEPTOS_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
}

/** Waits until the server on `port` answers its health check. */
export async function healthy(port: number): Promise<void> {
  await expect
    .poll(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status;
      } catch {
        return 0;
      }
    }, { timeout: 20_000 })
    .toBe(200);
}

/** A participant made with the real command line, logged in in a browser of their own. */
export async function participant(browser: Browser, role: string) {
  const name = platform(role);
  execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['user', 'add', name, '--role', role, '--password-stdin', '--data-dir', process.env.E2E_DATA_DIR!],
    { input: 'a participant password\n' },
  );
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    baseURL: test.info().project.use.baseURL,
  });
  const login = await context.request.post('/api/v1/session', { data: { user: name, password: 'a participant password' } });
  expect(login.status()).toBe(200);
  return { name, context, page: await context.newPage() };
}

/**
 * Each page of a PDF Chromium printed, with the drawing operators of its
 * content streams (inflated with zlib): a page with no text (`Tj`/`TJ`) and
 * no image or form (`Do`) printed blank.
 */
export function pdfPages(pdf: Buffer): { text: number; drawn: number }[] {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { head: string; start: number; end: number }>();
  for (const m of raw.matchAll(/(\d+) 0 obj\b/g)) {
    const start = m.index! + m[0].length;
    const end = raw.indexOf('endobj', start);
    objects.set(Number(m[1]), { head: raw.slice(start, Math.min(end, raw.indexOf('stream', start) >>> 0)), start, end });
  }
  const content = (n: number): string => {
    const o = objects.get(n);
    if (!o) return '';
    const body = raw.slice(o.start, o.end);
    const at = body.indexOf('stream');
    if (at < 0) return '';
    let from = at + 'stream'.length;
    if (body[from] === '\r') from += 1;
    if (body[from] === '\n') from += 1;
    const bytes = pdf.subarray(o.start + from, o.start + body.lastIndexOf('endstream'));
    return /\/FlateDecode/.test(body.slice(0, at)) ? zlib.inflateSync(bytes).toString('latin1') : bytes.toString('latin1');
  };
  const pages: { text: number; drawn: number }[] = [];
  for (const o of objects.values()) {
    if (!/\/Type\s*\/Page\b(?!s)/.test(o.head)) continue;
    const refs = o.head.match(/\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/)?.[1] ?? '';
    const ops = [...refs.matchAll(/(\d+) 0 R/g)].map((r) => content(Number(r[1]))).join('\n');
    pages.push({ text: (ops.match(/T[jJ]\b/g) ?? []).length, drawn: (ops.match(/\bDo\b/g) ?? []).length });
  }
  return pages;
}
