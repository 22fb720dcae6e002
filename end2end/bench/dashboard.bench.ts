import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import { seedOperations } from './seed';
import { fmt, median } from './figures';

const RUNS = 15;



test('dashboard figures: server render, time to interactive, bundle size', async ({ browser, request, baseURL }) => {
  const planned = await seedOperations(request);
  const health = await (await request.get('/api/v1/health')).json();
  console.log(`catalogue: ${health.products} products, ${planned.operations} operations, ${planned.decisions} decisions`);

  // 1. The server renders the day's timeline: the page is rendered whole
  //    before its first byte is sent (SsrMode::Async), so the time to the
  //    response headers is the render time; the body then crosses loopback.
  const renders: number[] = [];
  const downloads: number[] = [];
  let htmlBytes = 0;
  let gzipBytes = 0;
  let brotliBytes = 0;
  for (let i = 0; i < RUNS + 2; i++) {
    const started = performance.now();
    const response = await fetch(`${baseURL}/`, { headers: { 'accept-encoding': 'identity' } });
    const rendered = performance.now() - started;
    const body = await response.text();
    const elapsed = performance.now() - started;
    if (i >= 2) {
      // two warm-up requests
      renders.push(rendered);
      downloads.push(elapsed);
    }
    htmlBytes = Buffer.byteLength(body);
    gzipBytes = zlib.gzipSync(body).length;
  }
  // What crosses the wire for the page: the server's own brotli answer.
  {
    const raw = await new Promise<number>((resolve, reject) => {
      http
        .get(`${baseURL}/`, { headers: { 'accept-encoding': 'br' } }, (res) => {
          if (res.headers['content-encoding'] !== 'br') reject(new Error('the page is not sent brotli'));
          let n = 0;
          res.on('data', (chunk: Buffer) => (n += chunk.length));
          res.on('end', () => resolve(n));
        })
        .on('error', reject);
    });
    brotliBytes = raw;
  }

  // 2. Time to interactive in headless Chromium: navigation start until the
  //    page is hydrated (the app stamps the moment on <body>).
  const ttis: number[] = [];
  const htmlDone: number[] = [];
  const wasmDone: number[] = [];
  const hydrateStart: number[] = [];
  const marks: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', '1', { timeout: 30_000 });
    const at = Number(await page.locator('body').getAttribute('data-hydrated-at'));
    const phases = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm')) as PerformanceResourceTiming;
      const start = performance.getEntriesByName('opsboard-hydrate-start')[0];
      return { html: nav.responseEnd, wasm: wasm?.responseEnd ?? 0, hydrateStart: start?.startTime ?? 0 };
    });
    if (i >= 1) {
      ttis.push(at); // one warm-up (the server's caches)
      htmlDone.push(phases.html);
      wasmDone.push(phases.wasm);
      hydrateStart.push(phases.hydrateStart);
    }
    marks.push(await page.locator('.timeline .mark, .timeline .cluster').count());
    if (i === RUNS) await page.screenshot({ path: test.info().outputPath('board-5000.png'), fullPage: true });
    await context.close();
  }

  // 3. What the browser downloads to run the page, precompressed by the release build.
  const pkg = path.join(__dirname, '../../target/site/pkg');
  // The board's own files are `opsboard.<hash>.*`; the split wasm's other
  // files (the other pages' code, fetched when opened) are counted apart.
  const size = (ext: string, board = true) =>
    fs
      .readdirSync(pkg)
      .filter((f) => f.endsWith(ext) && f.startsWith('opsboard.') === board)
      .reduce((sum, f) => sum + fs.statSync(path.join(pkg, f)).size, 0);
  const wasmName = fs.readdirSync(pkg).find((f) => /^opsboard\..*wasm$/.test(f));
  const wasm = await fetch(`${baseURL}/pkg/${wasmName}`, { headers: { 'accept-encoding': 'br' } });
  const served = wasm.headers.get('content-encoding');
  await wasm.arrayBuffer();

  const figures = {
    products: health.products,
    operations: planned.operations,
    decisions: planned.decisions,
    server_render_median_ms: median(renders),
    server_render_max_ms: Math.max(...renders),
    page_download_median_ms: median(downloads),
    html_bytes: htmlBytes,
    html_gzip_bytes: gzipBytes,
    tti_median_ms: median(ttis),
    tti_max_ms: Math.max(...ttis),
    html_received_median_ms: median(htmlDone),
    wasm_received_median_ms: median(wasmDone),
    hydrate_start_median_ms: median(hydrateStart),
    timeline_elements: marks[marks.length - 1],
    wasm_js_raw_bytes: size('.wasm') + size('.js'),
    wasm_js_brotli_bytes: size('.wasm.br') + size('.js.br'),
    other_pages_wasm_js_brotli_bytes: size('.wasm.br', false) + size('.js.br', false),
    css_brotli_bytes: size('.css.br'),
    html_brotli_bytes: brotliBytes,
    first_visit_brotli_bytes: brotliBytes + size('.wasm.br') + size('.js.br') + size('.css.br'),
    wasm_served_encoding: served,
  };
  console.log(`
dashboard benchmark (${RUNS} runs each, loopback, release build)
  products in view             ${figures.products}, with ${figures.operations} operations and ${figures.decisions} decisions
  server render of /           median ${fmt(figures.server_render_median_ms)}, max ${fmt(figures.server_render_max_ms)}   (target ≤ 25 ms; time to the first byte)
  whole page received          median ${fmt(figures.page_download_median_ms)}
  page size                    ${(htmlBytes / 1024).toFixed(0)} KiB HTML, ${(gzipBytes / 1024).toFixed(0)} KiB gzip, ${(brotliBytes / 1024).toFixed(1)} KiB as sent (brotli)   (target ≤ 60 KB)
  first visit, brotli          ${(figures.first_visit_brotli_bytes / 1024).toFixed(0)} KiB (HTML + wasm + JS + CSS)   (target ≤ 300 KB)
  time to interactive          median ${fmt(figures.tti_median_ms)}, max ${fmt(figures.tti_max_ms)}   (target ≤ 700 ms; ≤ 1 s with operations)
    of which (medians)         HTML received ${fmt(figures.html_received_median_ms)}, wasm received ${fmt(figures.wasm_received_median_ms)}, hydration starts ${fmt(figures.hydrate_start_median_ms)}
  timeline marks and counts    ${figures.timeline_elements}
  wasm + JS                    ${(figures.wasm_js_raw_bytes / 1024).toFixed(0)} KiB raw, ${(figures.wasm_js_brotli_bytes / 1024).toFixed(0)} KiB brotli   (target ≤ 400 KB), served as ${served}
  other pages' wasm + JS       ${(figures.other_pages_wasm_js_brotli_bytes / 1024).toFixed(0)} KiB brotli, fetched when a page is opened
`);
  fs.mkdirSync(test.info().outputDir, { recursive: true });
  fs.writeFileSync(test.info().outputPath('figures.json'), JSON.stringify(figures, null, 2));
});
