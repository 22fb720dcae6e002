import { test, expect } from '@playwright/test';
import { catalogued, dropFile, minute, platform, PNG } from './helpers';

// Every page on a phone (390 × 844, as an iPhone 12–15): nothing wider than
// the screen, so nothing to scroll sideways; a screenshot of each, and of
// each at a laptop's 1440 × 900.
test.use({ viewport: { width: 390, height: 844 } });

test('no page is wider than a phone', async ({ page, request }) => {
  // Thirteen pages, each opened at two sizes until the network is idle.
  test.setTimeout(120_000);
  const site = platform('PHONE');
  const noon = new Date();
  noon.setUTCHours(12, 0, 0, 0);
  const day = noon.toISOString().slice(0, 10);
  dropFile(`satellite.${site}.${minute(noon)}.ir108.png`, PNG);
  const [product] = await catalogued(request, site, 1);
  expect((await request.post('/api/v1/platforms', { data: { name: site, kind: 'aircraft' } })).status()).toBe(200);
  const planned = await request.post('/api/v1/operations', {
    data: {
      platform: site, kind: 'flight', title: 'A rather long title for a flight across the squall line',
      planned_start: `${day}T13:00:00Z`, planned_end: `${day}T16:00:00Z`,
      objectives: 'Cross the line twice at 300 m and 1500 m, then sample the cold pool behind it',
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  const briefing = await request.post('/api/v1/briefings', {
    data: {
      title: 'Morning briefing', at: `${day}T08:00:00Z`,
      items: [{ product: { product_id: product.id, version: 1 }, comment: 'The line at noon' }],
      operations: [operation.id],
    },
  });
  expect(briefing.status(), await briefing.text()).toBe(201);
  const briefingId = (await briefing.json()).briefing.id;
  const slug = `phone-${site.toLowerCase()}`;
  expect((await request.put('/api/v1/case-tags/phone_case', { data: { long_name: 'Phone', tier: 1 } })).status()).toBe(200);
  const made = await request.post('/api/v1/case-studies', {
    data: {
      slug, title: 'A case read on a phone', start: `${day}T10:00:00Z`, end: `${day}T18:00:00Z`,
      tags: ['phone_case'], description: 'Long words: supercalifragilisticexpialidocious', operations: [operation.id],
      pins: [{ product_id: product.id, version: 1 }], published: true,
    },
  });
  expect(made.status(), await made.text()).toBe(201);

  const pages = [
    '/', '/upload', '/admin', '/map', '/operations', `/operations/${operation.id}`,
    '/briefings', `/briefings/${briefingId}`, '/case-studies/new', `/case-studies/${slug}`, '/calendar',
    `/days/${day}`, `/search?q=${site.toLowerCase()}`,
  ];
  const wide: string[] = [];
  for (const path of pages) {
    const name = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'board';
    // Each page at a laptop's size too, for the record.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: test.info().outputPath(`laptop-${name}.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) wide.push(`${path}: ${width} px`);
    await page.screenshot({ path: test.info().outputPath(`phone-${name}.png`), fullPage: true });
  }
  expect(wide, 'pages wider than 390 px').toEqual([]);
});
