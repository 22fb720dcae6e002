import { test, expect, request as http, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { dropFile, minute, open, platform, PNG, root, shift, stamp } from './helpers';

/** A relay's provider, made with the real command line, allowed `aircraft`'s packets. */
function relayToken(aircraft: string): string {
  const out = execFileSync(
    path.join(root, 'target/debug/opsboard'),
    ['provider', 'add', `relay-${aircraft}`, '--platform', aircraft, '--data-dir', process.env.E2E_DATA_DIR!],
    { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'error' } },
  );
  const token = out.match(/token \(shown once, keep it secret\): (\S+)/)?.[1];
  if (!token) throw new Error(`no token in: ${out}`);
  return token;
}

/** An IWG1 packet at `t` (the compact time form), at 3 000 m, the other fields empty. */
function packet(t: Date, lat: number, lon: number): string {
  return `IWG1,${stamp(t).slice(0, 8)}T${stamp(t).slice(8)},${lat},${lon.toFixed(4)},3000${','.repeat(30)}`;
}

/** The marker of `aircraft` on the map: its place (data attributes) and its centre on screen. */
async function marker(page: Page, aircraft: string) {
  const g = page.locator(`.map-platform[data-platform="${aircraft}"]`);
  await expect(g).toHaveCount(1);
  const box = (await g.locator(':is(circle, path.heading)').boundingBox())!;
  return {
    lon: Number(await g.getAttribute('data-lon')),
    lat: Number(await g.getAttribute('data-lat')),
    x: box.x + box.width / 2,
    y: box.y + box.height / 2,
  };
}

/** Where `(lon, lat)` falls inside an image drawn over `bbox`: both fractions, from the west and the north. */
async function expectInBox(page: Page, id: number, bbox: number[], at: { x: number; y: number; lon: number; lat: number }) {
  const box = (await page.locator(`.map-images image[data-id="${id}"]`).boundingBox())!;
  const [w, s, e, n] = bbox;
  expect(Math.abs(at.x - (box.x + ((at.lon - w) / (e - w)) * box.width))).toBeLessThan(3);
  expect(Math.abs(at.y - (box.y + ((n - at.lat) / (n - s)) * box.height))).toBeLessThan(3);
}

test('the map: basemap offline, images at the cursor in their box, a flight plan, a live aircraft, the cursor from timeline and track', async ({ page, request, baseURL }) => {
  test.setTimeout(60_000);
  // Timeline and map on one screen: clicks go where the eye is, without scrolling.
  await page.setViewportSize({ width: 1280, height: 1200 });
  // Every request the page makes, to prove none leaves this server.
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));

  // The campaign: an aircraft, its relay, a satellite lane of georeferenced images.
  const aircraft = platform('ATR');
  const satellite = platform('MSG');
  const made = await request.post('/api/v1/platforms', {
    data: { name: aircraft, kind: 'aircraft', colour: '#d62728', base: 'Toulouse-Francazal', base_position: [1.37, 43.45], rings_km: [50, 100] },
  });
  expect(made.status(), await made.text()).toBe(200);
  // The relay is a ground station: its token, and no one's session.
  const relay = await http.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { Authorization: `Bearer ${relayToken(aircraft)}` },
  });
  const now = shift(new Date(), 0);
  const start = shift(now, -40 / 60);
  const at = (m: number) => new Date(start.getTime() + m * 60_000);
  // A flown track, a point a minute for 30 minutes, due east along 43.5°N.
  const lonAt = (m: number) => 1.0 + 0.05 * m;
  const packets = Array.from({ length: 31 }, (_, m) => packet(at(m), 43.5, lonAt(m)));
  const relayed = await relay.post(`/api/v1/platforms/${aircraft}/iwg1`, { data: packets.join('\n') });
  expect(relayed.status(), await relayed.text()).toBe(200);
  expect((await relayed.json()).accepted).toBe(31);
  // Two images of one lane, ten minutes apart, over different boxes.
  const images = [
    { minute: 10, bbox: [0, 42, 3, 45] },
    { minute: 20, bbox: [1, 41, 4, 44] },
  ];
  for (const image of images) {
    const name = `satellite.${satellite}.${stamp(at(image.minute)).slice(0, 12)}.ir108.png`;
    dropFile(`${name}.json`, Buffer.from(JSON.stringify({ bbox: image.bbox, title: 'IR 10.8 µm' })));
    dropFile(name, PNG);
  }
  const ids: number[] = [];
  await expect
    .poll(async () => {
      const listed = await (await request.get(`/api/v1/products?platform=${satellite}`)).json();
      ids.splice(0, ids.length, ...listed.sort((a: { valid_time: string }, b: { valid_time: string }) => a.valid_time.localeCompare(b.valid_time)).map((p: { id: number }) => p.id));
      return listed.filter((p: { bbox?: number[] }) => p.bbox).length;
    })
    .toBe(2);
  // A radiosonde's sounding table (with its position) and the balloon's predicted trajectory.
  const sonde = platform('RS');
  const rows = Array.from({ length: 10 }, (_, s) => `${s * 60},${1000 - 50 * s},${(43.0 + 0.01 * s).toFixed(2)},2.00,${150 + 300 * s}`);
  dropFile(`upperair.${sonde}.${stamp(at(5)).slice(0, 12)}.sounding.csv`, Buffer.from(`time (s),P (hPa),lat,lon,alt (m)\n${rows.join('\n')}\n`));
  const prediction = {
    type: 'Feature',
    geometry: { type: 'LineString', coordinates: [[2.0, 43.0, 150], [2.3, 43.2, 20000], [2.6, 43.3, 200]] },
    properties: { times: [at(5), at(40), at(60)].map((t) => t.toISOString()) },
  };
  dropFile(`upperair.${sonde}.${stamp(at(5)).slice(0, 12)}.predicted.geojson`, Buffer.from(JSON.stringify(prediction)));
  const balloon: number[] = [];
  await expect
    .poll(async () => {
      const listed = await (await request.get(`/api/v1/products?platform=${sonde}`)).json();
      balloon.splice(0, balloon.length, ...listed.map((p: { id: number }) => p.id));
      return listed.length;
    })
    .toBe(2);
  // The flight, with a plan of three labelled waypoints.
  const planned = await request.post('/api/v1/operations', {
    data: {
      platform: aircraft, kind: 'flight', title: 'Sea breeze front',
      planned_start: at(0).toISOString(), planned_end: shift(now, 2).toISOString(),
      objectives: 'Cross the front at 3 km', bbox: [0.5, 42.5, 3.5, 44.5],
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  const gpx = `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><rte><name>Front</name>
    <rtept lat="43.6" lon="1.37"><name>TLS</name></rtept><rtept lat="43.0" lon="2.5"><name>WP1</name></rtept><rtept lat="44.0" lon="3.2"><name>WP2</name></rtept></rte></gpx>`;
  const attached = await request.post(`/api/v1/operations/${operation.id}/plans?format=gpx`, { data: gpx });
  expect(attached.status()).toBe(201);

  // The map at the first image's time, in a fixed six-hour window.
  const from = minute(shift(now, -3));
  await open(page, `map?plat=${satellite}&span=6&from=${from}&t=${minute(at(10))}`);
  await expect(page.locator('.basemap .coast')).toHaveAttribute('d', /^M[\d.-]+ [\d.-]+L/);
  await expect(page.locator('.basemap .border')).toHaveAttribute('d', /L/);
  await expect(page.locator('.map-plan circle')).toHaveCount(3);
  await expect(page.locator('.map-plan text')).toHaveText(['TLS', 'WP1', 'WP2']);
  await expect(page.locator('.map-areas text')).toHaveText(operation.code);
  // The balloon: its sounding flown, its prediction dashed.
  for (const id of balloon) await expect(page.locator(`.map-track[data-track="product:${id}"]`)).toHaveCount(1);
  await expect(page.locator('.map-track.predicted')).toHaveCount(1);
  // Range rings around the aircraft's base.
  await expect(page.locator(`.map-base[data-base="${aircraft}"] path`)).toHaveCount(2);
  await expect(page.locator(`.map-base[data-base="${aircraft}"] text`)).toHaveText(['50 km', '100 km']);
  await expect(page.locator('.map-images image')).toHaveCount(1);
  await expect(page.locator(`.map-images image[data-id="${ids[0]}"]`)).toHaveCount(1);
  let here = await marker(page, aircraft);
  expect(here.lon).toBeCloseTo(lonAt(10), 3);
  await expectInBox(page, ids[0], images[0].bbox, here);
  await page.screenshot({ path: 'test-results/map.png', fullPage: true });

  // → on the board: the next product time; the other image, the aircraft further east.
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(new RegExp(`t=${minute(at(20))}`));
  await expect(page.locator(`.map-images image[data-id="${ids[1]}"]`)).toHaveCount(1);
  await expect(page.locator('.map-images image')).toHaveCount(1);
  await expect.poll(async () => (await marker(page, aircraft)).lon).toBeCloseTo(lonAt(20), 3);
  here = await marker(page, aircraft);
  await expectInBox(page, ids[1], images[1].bbox, here);
  // Its marker: an arrow due east, at the speed flown then (0.05° a minute at 43.5°N: 242 km/h).
  const label = page.locator(`.map-platform[data-platform="${aircraft}"] text`);
  // (A great circle leaves a parallel a little north of east.)
  await expect(label).toHaveText(new RegExp(`^${aircraft} · (089|090)° · 24[12] km/h$`));
  await expect(page.locator(`.map-platform[data-platform="${aircraft}"] path.heading`)).toHaveAttribute('transform', /rotate\((89|90)\)/);
  await page.locator('.map').screenshot({ path: 'test-results/map-image.png' });
  const atTwenty = here;

  // A click on the timeline's axis: the aircraft where it was then.
  const axis = (await page.locator('.axis .track').boundingBox())!;
  const fraction = (at(28).getTime() - shift(now, -3).getTime()) / (6 * 3_600_000);
  await page.mouse.click(axis.x + axis.width * fraction, axis.y + axis.height / 2);
  await expect(page).not.toHaveURL(new RegExp(`t=${minute(at(20))}`));
  const t = new URL(page.url()).searchParams.get('t')!;
  const clicked = new Date(Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12)));
  const minutes = (clicked.getTime() - start.getTime()) / 60_000;
  expect(minutes).toBeGreaterThan(20);
  expect(minutes).toBeLessThanOrEqual(30);
  await expect.poll(async () => (await marker(page, aircraft)).lon).toBeCloseTo(lonAt(minutes), 3);

  // A click on the track where the aircraft was at minute 20: the cursor goes back there.
  await page.mouse.click(atTwenty.x, atTwenty.y);
  await expect(page).toHaveURL(new RegExp(`t=${minute(at(20))}`));
  await expect.poll(async () => (await marker(page, aircraft)).lon).toBeCloseTo(lonAt(20), 3);
  await page.locator('.map').screenshot({ path: 'test-results/map-track-cursor.png' });

  // Following now: the aircraft moves as packets arrive.
  await open(page, `map?plat=${satellite}`);
  await expect.poll(async () => (await marker(page, aircraft)).lon).toBeCloseTo(lonAt(30), 3);
  for (const lon of [2.8, 2.95]) {
    const sent = Date.now();
    const live = await relay.post(`/api/v1/platforms/${aircraft}/iwg1`, { data: packet(new Date(), 43.6, lon) });
    expect(live.status()).toBe(200);
    await expect.poll(async () => (await marker(page, aircraft)).lon, { timeout: 3_000 }).toBeCloseTo(lon, 3);
    expect(Date.now() - sent).toBeLessThan(3_000);
    // The stream pushes at most one position a second per platform.
    await page.waitForTimeout(1_100);
  }
  await expect(page.locator(`.map-track[data-track="${aircraft}"] .flown`)).toHaveAttribute('d', /L/);
  // A packet with its heading and ground speed: the marker says them, and how old the fix is.
  const fast = `IWG1,${stamp(new Date()).slice(0, 8)}T${stamp(new Date()).slice(8)},43.6,3.1,3000,,,,200,,,,,270${','.repeat(19)}`;
  expect((await relay.post(`/api/v1/platforms/${aircraft}/iwg1`, { data: fast })).status()).toBe(200);
  await expect(page.locator(`.map-platform[data-platform="${aircraft}"] text`))
    .toHaveText(new RegExp(`^${aircraft} 3000 m · 270° · 720 km/h · \\d+ s ago$`), { timeout: 3_000 });
  // Followed, the map keeps the aircraft in its middle as it flies on.
  await page.getByLabel('Follow a platform').selectOption(aircraft);
  await page.waitForTimeout(1_100);
  const far = `IWG1,${stamp(new Date()).slice(0, 8)}T${stamp(new Date()).slice(8)},44.4,5.5,3000${','.repeat(30)}`;
  expect((await relay.post(`/api/v1/platforms/${aircraft}/iwg1`, { data: far })).status()).toBe(200);
  await expect.poll(async () => (await marker(page, aircraft)).lon, { timeout: 3_000 }).toBeCloseTo(5.5, 3);
  const frame = (await page.locator('.map-svg').boundingBox())!;
  await expect.poll(async () => {
    const m = await marker(page, aircraft);
    return Math.hypot(m.x - (frame.x + frame.width / 2), m.y - (frame.y + frame.height / 2));
  }).toBeLessThan(12);
  await page.locator('.map').screenshot({ path: 'test-results/map-aircraft.png' });

  // Nothing was asked of anything but this server.
  const elsewhere = requested.filter((url) => !url.startsWith(baseURL!) && !url.startsWith('data:') && !url.startsWith('blob:'));
  expect(elsewhere).toEqual([]);
  expect(requested.some((url) => url.includes('/api/v1/map/basemap'))).toBe(true);
});
