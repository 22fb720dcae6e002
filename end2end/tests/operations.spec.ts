import { test, expect } from '@playwright/test';
import { catalogued, dropFile, idOf, minute, participant, platform, PNG, stamp } from './helpers';


test('a scientist moves an operation to D-1 with two cited products; a viewer sees it within a second', async ({ browser, request }) => {
  // The campaign: a platform (by the admin), two products on the board.
  const aircraft = platform('ATR');
  const made = await request.post('/api/v1/platforms', { data: { name: aircraft, kind: 'aircraft', colour: '#cc79a7' } });
  expect(made.status()).toBe(200);
  const now = new Date();
  const names = [`satellite.${aircraft}.${stamp(now).slice(0, 12)}.ir108.png`, `radar.${aircraft}.${stamp(now).slice(0, 12)}.ppi.png`];
  for (const name of names) dropFile(name, PNG);
  const products = await catalogued(request, aircraft, 2);

  const scientist = await participant(browser, 'scientist');
  const viewer = await participant(browser, 'viewer');
  const start = new Date(now.getTime() + 3 * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const planned = await scientist.context.request.post('/api/v1/operations', {
    data: {
      platform: aircraft, kind: 'flight', title: 'Squall line ahead of the front',
      planned_start: start.toISOString(), planned_end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      objectives: 'Cross the line twice at 3 km',
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();

  // The viewer watches the mission table, and the board in another tab,
  // with decisions allowed to notify them (recorded by a stand-in).
  await viewer.context.grantPermissions(['notifications']);
  await viewer.context.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shown: string[] }).shown = shown;
    class Recorded {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string) { shown.push(title); }
    }
    (window as unknown as { Notification: unknown }).Notification = Recorded;
  });
  const board = await viewer.context.newPage();
  await board.goto('/');
  await expect(board.locator('.conn')).toHaveAttribute('data-state', 'live');
  const bar = board.locator(`.op-bar[data-code="${operation.code}"]`);
  await expect(bar).toHaveAttribute('data-status', 'proposed');
  await viewer.page.goto('/operations');
  await expect(viewer.page.locator('.conn')).toHaveAttribute('data-state', 'live');
  const row = viewer.page.locator(`tr[data-code="${operation.code}"]`);
  await expect(row.locator('.status-badge')).toHaveText('Proposed');

  // The scientist cites both products from the board's viewer.
  for (const name of names) {
    await scientist.page.goto(`/?open=${idOf(products, name)}`);
    await expect(scientist.page.locator('body')).toHaveAttribute('data-hydrated', '1');
    await scientist.page.getByRole('button', { name: 'Cite as evidence' }).click();
    await expect(scientist.page.getByRole('button', { name: 'Cited ✓' })).toBeVisible();
  }
  await scientist.page.goto(`/operations/${operation.id}`);
  await expect(scientist.page.locator('.conn')).toHaveAttribute('data-state', 'live');
  const form = scientist.page.locator('form.decision-form');
  await expect(form.locator('.cited')).toHaveCount(2);
  // Nothing is chosen for the scientist: no status, no evidence ticked, and
  // the form records nothing without a status and a rationale.
  await expect(form.locator('input[name="to"]:checked')).toHaveCount(0);
  await expect(form.locator('.cited input:checked')).toHaveCount(0);
  await form.getByRole('button', { name: 'Record decision' }).click();
  await form.locator('input[value="warning"]').check();
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect(scientist.page.locator('p.notice')).toHaveCount(0);
  expect(await (await request.get(`/api/v1/operations/${operation.id}/decisions`)).json()).toEqual([]);
  for (const box of await form.locator('.cited input').all()) await box.check();
  await form.getByLabel('Rationale').fill('D-1: both models put the line over the target at take-off');
  await form.getByRole('button', { name: 'Record decision' }).click();
  const sent = Date.now();

  // The viewer's mission table and board both follow within a second of the click.
  await Promise.all([
    expect(row.locator('.status-badge')).toHaveText('D-1 warning', { timeout: 1_000 }),
    expect(bar).toHaveAttribute('data-status', 'warning', { timeout: 1_000 }),
  ]);
  const seenAfter = Date.now() - sent;
  test.info().annotations.push({ type: 'decision → other dashboard (ms, incl. the request)', description: String(seenAfter) });
  await expect(scientist.page.locator('p.notice')).toHaveText('Recorded.');
  const hhmm = start.toISOString().slice(11, 16);
  await expect.poll(() => board.evaluate(() => (window as unknown as { shown: string[] }).shown))
    .toContain(`${operation.code}: D-1 warning for ${hhmm} UTC`);
  await board.screenshot({ path: test.info().outputPath('board-operations-lane.png') });

  // The decision, with its author, rationale and the two exact versions.
  const decision = scientist.page.locator('.decision').first();
  await expect(decision).toContainText(scientist.name);
  await expect(decision.locator('.rationale')).toHaveText('D-1: both models put the line over the target at take-off');
  await expect(decision.locator('.evidence-item')).toHaveCount(2);
  for (const name of names) await expect(decision).toContainText(`${name} (v1)`);
  const recorded = await (await request.get(`/api/v1/operations/${operation.id}/decisions`)).json();
  expect(recorded[0].evidence).toEqual(names.map((n) => ({ product_id: idOf(products, n), version: 1 })));
  await scientist.page.screenshot({ path: test.info().outputPath('operation.png'), fullPage: true });
  await viewer.page.screenshot({ path: test.info().outputPath('mission-table.png'), fullPage: true });

  // GO is asked to be confirmed, naming the operation; dismissed, nothing is recorded.
  await form.locator('input[value="go"]').check();
  await form.getByLabel('Rationale').fill('Go: the line is where the models put it');
  const asked: string[] = [];
  scientist.page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.dismiss(); });
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain(operation.code);
  expect((await (await request.get(`/api/v1/operations/${operation.id}/decisions`)).json()).length).toBe(1);
  scientist.page.once('dialog', (dialog) => void dialog.accept());
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect(scientist.page.locator('.operation-head .status-badge')).toHaveText('GO');
  expect((await (await request.get(`/api/v1/operations/${operation.id}/decisions`)).json()).length).toBe(2);

  // A newer version of a cited product is flagged on the decision.
  dropFile(names[0], Buffer.concat([PNG, Buffer.from([0])]));
  await expect(scientist.page.locator('.decision .newer')).toHaveText('Version 2 arrived since');
  // The viewer may not decide: no form for them.
  await viewer.page.goto(`/operations/${operation.id}`);
  await expect(viewer.page.locator('.decision')).toHaveCount(2);
  await expect(viewer.page.locator('form.decision-form')).toHaveCount(0);
  await scientist.context.close();
  await viewer.context.close();
});

test('a scientist plans a launch from the mission table; a refusal says why', async ({ browser, request }) => {
  const site = platform('RS');
  expect((await request.post('/api/v1/platforms', { data: { name: site, kind: 'sonde' } })).status()).toBe(200);
  const scientist = await participant(browser, 'scientist');
  const page = scientist.page;
  await page.goto('/operations');
  await expect(page.locator('.conn')).toHaveAttribute('data-state', 'live');
  await page.getByText('Plan an operation').click();
  const form = page.locator('.plan-form form');
  await form.getByLabel('Platform').selectOption(site);
  await form.getByLabel('Kind').selectOption('launch');
  await form.getByLabel('Title').fill('Boundary-layer sounding');
  await form.getByLabel('Start (UTC)').fill('2026-12-02T11:00');
  // An end before the start: the server's reason is shown, nothing is planned.
  await form.getByLabel('End (UTC, none for a launch)').fill('2026-12-02T10:00');
  await form.getByRole('button', { name: 'Plan' }).click();
  await expect(form.getByRole('alert')).toContainText('planned_end: is before planned_start');
  await form.getByLabel('End (UTC, none for a launch)').fill('');
  await form.getByRole('button', { name: 'Plan' }).click();
  await expect(page).toHaveURL(/\/operations\/\d+$/);
  await expect(page.locator('.op-code')).toHaveText(`${site}-20261202a`);
  await expect(page.locator('.operation-head .status-badge')).toHaveText('Proposed');
  await expect(page.locator('.op-plan')).toContainText('Wed 02 Dec 11:00 UTC');

  const viewer = await participant(browser, 'viewer');
  await viewer.page.goto('/operations');
  await expect(viewer.page.locator(`tr[data-code="${site}-20261202a"]`)).toBeVisible();
  await expect(viewer.page.locator('.plan-form')).toHaveCount(0);
  await scientist.context.close();
  await viewer.context.close();
});

test('the presenter advances a briefing and a viewer follows; the print view is one slide a page', async ({ browser, request }) => {
  const site = platform('BRF');
  const now = new Date();
  const names = [1, 2, 3].map((i) => `satellite.${site}.${stamp(new Date(now.getTime() - i * 600_000)).slice(0, 12)}.ir108.png`);
  for (const name of names) dropFile(name, PNG);
  const products = await catalogued(request, site, 3);
  const presenter = await participant(browser, 'scientist');
  const made = await presenter.context.request.post('/api/v1/briefings', {
    data: {
      title: '08 UTC briefing', at: now.toISOString(),
      items: names.map((name, i) => ({ product: { product_id: idOf(products, name), version: 1 }, comment: `Slide ${i + 1}: ${name}` })),
    },
  });
  expect(made.status()).toBe(201);
  const id = (await made.json()).briefing.id;

  const viewer = await participant(browser, 'viewer');
  for (const who of [presenter, viewer]) {
    await who.page.goto(`/briefings/${id}`);
    await expect(who.page.locator('.conn')).toHaveAttribute('data-state', 'live');
    await who.page.getByRole('button', { name: 'Present' }).click();
    await expect(who.page.locator('.slide.current')).toHaveAttribute('data-slide', '0');
  }
  await presenter.page.keyboard.press('ArrowRight');
  await expect(presenter.page.locator('.slide.current')).toHaveAttribute('data-slide', '1');
  await expect(viewer.page.locator('.slide.current')).toHaveAttribute('data-slide', '1', { timeout: 1_000 });
  await expect(viewer.page.locator('.slide.current .slide-comment')).toHaveText(`Slide 2: ${names[1]}`);
  // The viewer's keys move nothing.
  await viewer.page.keyboard.press('ArrowRight');
  await presenter.page.keyboard.press('ArrowRight');
  await expect(viewer.page.locator('.slide.current')).toHaveAttribute('data-slide', '2', { timeout: 1_000 });
  await viewer.page.screenshot({ path: test.info().outputPath('briefing-presentation.png') });

  // Printed (Chromium's "Save as PDF"): one page per slide.
  await viewer.page.keyboard.press('Escape');
  await viewer.page.emulateMedia({ media: 'print' });
  const pdf = await viewer.page.pdf({ format: 'A4' });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  expect(pages.length).toBe(3);
  await viewer.page.emulateMedia({ media: 'screen' });
  await viewer.page.screenshot({ path: test.info().outputPath('briefing.png'), fullPage: true });
  await presenter.context.close();
  await viewer.context.close();
});

test('a scientist reports a flight, a report file attaches itself, and a viewer sees both live', async ({ browser, request }) => {
  const aircraft = platform('REP');
  expect((await request.post('/api/v1/platforms', { data: { name: aircraft, kind: 'aircraft' } })).status()).toBe(200);
  const start = new Date(Date.now() - 5 * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const scientist = await participant(browser, 'scientist');
  const viewer = await participant(browser, 'viewer');
  const planned = await scientist.context.request.post('/api/v1/operations', {
    data: {
      platform: aircraft, kind: 'flight', title: 'Cold pool survey',
      planned_start: start.toISOString(), planned_end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
    },
  });
  expect(planned.status()).toBe(201);
  const operation = await planned.json();
  for (const to of ['warning', 'go', 'in-progress', 'completed']) {
    const decided = await scientist.context.request.post(`/api/v1/operations/${operation.id}/decisions`, { data: { to, rationale: 'as planned' } });
    expect(decided.status(), to).toBe(201);
  }

  // The viewer watches the operation's page; it has no report form.
  await viewer.page.goto(`/operations/${operation.id}`);
  await expect(viewer.page.locator('.conn')).toHaveAttribute('data-state', 'live');
  const status = viewer.page.locator('.operation-head .status-badge');
  await expect(status).toHaveText('Completed');
  await expect(viewer.page.locator('#report')).toContainText('the report is due');
  await expect(viewer.page.locator('form.report-form')).toHaveCount(0);

  // The scientist starts the report on the page.
  await scientist.page.goto(`/operations/${operation.id}`);
  await expect(scientist.page.locator('.conn')).toHaveAttribute('data-state', 'live');
  const form = scientist.page.locator('form.report-form');
  await form.getByLabel('Crew').fill('Pilots A and B; scientists C and D');
  await form.getByLabel('Track summary').fill('Two legs across the cold pool at 300 m and 1500 m');

  // Meanwhile the instrument team's quick-look arrives, named for the
  // flight's platform and time: it attaches itself, and the flight is reported.
  const file = `report.${aircraft}.${minute(new Date(start.getTime() + 3_600_000))}.quicklook.png`;
  dropFile(file, PNG);
  const attachment = viewer.page.locator('.attachment');
  await expect(attachment).toHaveCount(1);
  await expect(attachment).toContainText(`${file} (v1)`);
  await expect(attachment).toHaveAttribute('data-how', 'dropped');
  await expect(status).toHaveText('Reported');
  // The scientist's page read itself again; what was being written stays.
  await expect(scientist.page.locator('.attachment')).toHaveCount(1);
  await expect(form.getByLabel('Crew')).toHaveValue('Pilots A and B; scientists C and D');

  await form.getByLabel('Instrument status').fill('Lidar degraded after 15:40 UTC');
  await form.getByRole('button', { name: 'Save report' }).click();
  await expect(form.locator('p.notice')).toHaveText('Saved.');

  // The viewer's page follows without a reload.
  const sections = viewer.page.locator('.report-sections');
  await expect(sections).toContainText('Lidar degraded after 15:40 UTC', { timeout: 2_000 });
  await expect(sections).toContainText('Two legs across the cold pool');
  await expect(viewer.page.locator('.report .byline')).toContainText(scientist.name);
  await viewer.page.screenshot({ path: test.info().outputPath('report.png'), fullPage: true });

  // The mission table links the report.
  await viewer.page.goto('/operations');
  const row = viewer.page.locator(`tr[data-code="${operation.code}"]`);
  await expect(row.getByRole('link', { name: 'Report' })).toHaveAttribute('href', `/operations/${operation.id}#report`);
  await scientist.context.close();
  await viewer.context.close();
});
