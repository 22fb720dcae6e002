import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** How many products the benchmark puts in view. */
export const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 5_000);
/** The account that plans the benchmark's operations through the API. */
export const PLANNER = { user: 'bench-planner', password: 'a benchmark password' };

const minute = (t: Date) => t.toISOString().replace(/[-:T]/g, '').slice(0, 12);

/**
 * Writes 5 000 (`BENCH_PRODUCTS`) small products spread over the 36 hours before now (all inside
 * the default two-day window) across forecast, satellite, radar, surface and
 * sounding lanes, and imports them with the real command line.
 */
export default function seed(): void {
  const dataDir = process.env.BENCH_DATA_DIR!;
  const source = path.join(dataDir, '..', `${path.basename(dataDir)}-source`);
  fs.mkdirSync(source, { recursive: true });
  const now = Date.now();
  const lanes = [
    ...['AROME', 'ARPEGE', 'IFS'].flatMap((m) => ['precip', 't2m', 'wind10m', 'cape'].map((f) => ['model', m, f])),
    ...['MSG', 'GOES'].flatMap((s) => ['ir108', 'wv062', 'vis06', 'rgb'].map((f) => ['satellite', s, f])),
    ...['NIMES', 'BOLLENE'].map((r) => ['radar', r, 'refl']),
    ...Array.from({ length: 12 }, (_, i) => ['surface', `ST${String(i).padStart(2, '0')}`, 't2m']),
    ...['SETE', 'NIMES', 'CANDILLARGUES'].map((s) => ['upperair', s, 'sounding']),
  ];
  const perLane = Math.ceil(PRODUCTS / lanes.length);
  let written = 0;
  for (const [category, platform, field] of lanes) {
    for (let i = 0; i < perLane && written < PRODUCTS; i++, written++) {
      const t = new Date(now - 36 * 3_600_000 + (i * 36 * 3_600_000) / perLane);
      t.setUTCSeconds(0, 0);
      let name;
      if (category === 'model') {
        // A run every 6 h from 42 h ago, 17 hourly leads each: one row per run.
        const first = new Date(now - 42 * 3_600_000);
        first.setUTCHours(first.getUTCHours() - (first.getUTCHours() % 6), 0, 0, 0);
        const run = new Date(first.getTime() + Math.floor(i / 17) * 6 * 3_600_000);
        const lead = String(i % 17).padStart(3, '0');
        name = `${category}.${platform}.${minute(run)}.${lead}h_${field}.csv`;
      } else {
        name = `${category}.${platform}.${minute(t)}${String(i % 60).padStart(2, '0')}.${field}.csv`;
      }
      fs.writeFileSync(path.join(source, name), `time,value\n${t.toISOString()},${i}\n`);
    }
  }
  const started = Date.now();
  execFileSync(path.join(__dirname, '../../target/release/opsboard'), ['import', source, '--data-dir', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  console.log(`seeded ${written} products in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Operations and decisions go through the running server's API (the hub
  // writes them): the benchmark plans them as this admin before measuring.
  execFileSync(
    path.join(__dirname, '../../target/release/opsboard'),
    ['user', 'add', PLANNER.user, '--role', 'admin', '--password-stdin', '--data-dir', dataDir],
    { input: `${PLANNER.password}\n`, stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
}

/** How many operations and decisions the benchmark plans. */
export const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 300);
export const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 1_000);

type Request = import('@playwright/test').APIRequestContext;

/**
 * Plans OPERATIONS flights over six platforms, spread from 36 h before now to
 * 24 h after (the board's first window), and records DECISIONS decisions
 * along their lifecycles, through the API as the planner.
 */
export async function seedOperations(request: Request): Promise<{ operations: number; decisions: number }> {
  const login = await request.post('/api/v1/session', { data: PLANNER });
  if (login.status() !== 200) throw new Error(`planner login: ${login.status()}`);
  const platforms = ['ATR42', 'FALCON', 'KINGAIR', 'BALLOON', 'SHIP', 'DRONE'];
  for (const name of platforms) {
    const made = await request.post('/api/v1/platforms', { data: { name, kind: name === 'SHIP' ? 'ship' : 'aircraft' } });
    if (made.status() !== 200) throw new Error(`platform ${name}: ${made.status()}`);
  }
  const now = Date.now();
  const steps = ['pre-warning', 'warning', 'go', 'in-progress', 'completed'];
  const ids: number[] = [];
  for (let i = 0; i < OPERATIONS; i++) {
    const start = new Date(now - 36 * 3_600_000 + Math.floor((i * 60 * 3_600_000) / OPERATIONS));
    start.setUTCMinutes(0, 0, 0);
    const planned = await request.post('/api/v1/operations', {
      data: {
        platform: platforms[i % platforms.length], kind: 'flight', title: `Benchmark flight ${i}`,
        planned_start: start.toISOString(), planned_end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        objectives: 'Cross the line twice',
      },
    });
    if (planned.status() !== 201) throw new Error(`operation ${i}: ${planned.status()} ${await planned.text()}`);
    ids.push((await planned.json()).id);
  }
  let decisions = 0;
  for (let step = 0; step < steps.length && decisions < DECISIONS; step++) {
    for (const id of ids) {
      if (decisions >= DECISIONS) break;
      const decided = await request.post(`/api/v1/operations/${id}/decisions`, {
        data: { to: steps[step], rationale: `Benchmark step ${step}`, view: '/' },
      });
      if (decided.status() !== 201) throw new Error(`decision on ${id}: ${decided.status()} ${await decided.text()}`);
      decisions++;
    }
  }
  return { operations: ids.length, decisions };
}
