/**
 * Network coverage after a camera changes. Budgets (issue "Coverage and siting"): the coverage of
 * the volcano cameras, and of one city's (Quito's) cameras, recomputed after a change in under
 * 2 s; a what-if (add, move or remove a camera) answered within 2 s.
 *
 * Cameras: the seeded demo network (server/demo/demo-cameras.ts, seed 911) on the real terrain
 * (var/dem: npm run build-terrain). For each set, every camera of it in turn (Quito: 25 of them)
 * is changed — a thermal camera re-aimed 15°, a Quito camera moved 150 m east — and the time
 * until the new figures are ready is measured as the coverage service makes them: its new
 * viewshed, the cells whose coverage flips, the counts updated by subtracting and adding, the
 * figures per province updated from the flipped cells. The worst case over the changes is
 * reported, and the cost of a full scan of the grid for the figures is printed beside it.
 * Baseline, same run: the set's coverage recomputed from scratch (every viewshed, counts,
 * figures by a full scan).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { CoverageTerrain } from '../../server/coverage/coverage-grid.js';
import { cellAt } from '../../server/coverage/coverage-grid.js';
import { cityBoxes, openCoverageTerrain } from '../../server/coverage/coverage-service.js';
import type { DemandLayer, ZoneLayer } from '../../server/coverage/coverage-stats.js';
import {
  applyFlips,
  coverageTotals,
  demandLayer,
  rasterizeZones,
} from '../../server/coverage/coverage-stats.js';
import type { Footprint } from '../../server/coverage/network-coverage.js';
import {
  cameraFootprint,
  countsFromScratch,
  coverageFlips,
  NetworkCoverage,
} from '../../server/coverage/network-coverage.js';
import { generateDemoCameras } from '../../server/demo/demo-cameras.js';
import { DEFAULT_DEMO_SEED } from '../../server/demo/demo-slice.js';
import { PLACES } from '../../server/demo/places.js';
import type { Camera } from '../../server/domain/types.js';
import { parseVolcanoes } from '../../server/seed/reference-data.js';
import { report } from './report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUDGET_MS = 2000;

let terrain: CoverageTerrain & { close(): void };
try {
  terrain = openCoverageTerrain(path.join(ROOT, 'var/dem'));
} catch (error) {
  console.error(`coverage-bench: ${(error as Error).message} (run npm run build-terrain first)`);
  process.exit(1);
}
const grid = terrain.grid;
const provincesFc = JSON.parse(
  readFileSync(path.join(ROOT, 'data/provinces.geojson'), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, { code: string; name: string }>;
const volcanoes = parseVolcanoes(readFileSync(path.join(ROOT, 'data/volcanoes.csv'), 'utf8'));
const cameras = generateDemoCameras(
  { provinces: provincesFc, volcanoes },
  { seed: DEFAULT_DEMO_SEED, endMs: Date.parse('2026-11-01T00:00:00Z') },
);
const provinces: ZoneLayer = rasterizeZones(
  grid,
  'province',
  provincesFc.features.map((f) => ({ id: f.properties.code, name: f.properties.name, geometry: f.geometry })),
);
// A demand to weigh: each town's assumed weight at its centre (enough to exercise the demand sums).
const demand: DemandLayer = demandLayer(
  'towns',
  PLACES.map((p) => [cellAt(grid, p.lon, p.lat), p.weight] as const),
);

const figures = (counts: Uint16Array) => coverageTotals(grid, counts, [provinces], [demand]);

function measureSet(label: string, set: Camera[], change: (c: Camera) => Camera, changes: number): boolean {
  const online = set.filter((c) => c.status === 'online');
  // Baseline: the set's coverage from scratch.
  const t0 = performance.now();
  const fresh = online.map((c) => cameraFootprint(c, terrain));
  figures(countsFromScratch(grid, fresh));
  const scratchMs = performance.now() - t0;

  const net = new NetworkCoverage(grid);
  const footprints = new Map<string, Footprint>();
  online.forEach((c, i) => {
    footprints.set(c.externalId, fresh[i]!);
    if (fresh[i]!.cells.length > 0) net.set(c.externalId, fresh[i]!);
  });
  let base = figures(net.counts);
  const withTerrain = online.filter((c) => footprints.get(c.externalId)!.cells.length > 0);
  const step = Math.max(1, Math.floor(withTerrain.length / changes));
  let worst = 0;
  let worstWhatIf = 0;
  let worstRescan = 0;
  let n = 0;
  for (let i = 0; i < withTerrain.length && n < changes; i += step, n++) {
    const original = withTerrain[i]!;
    const edited = change(original);
    // What-if: the new footprint, the flipped cells, the figures updated from them; nothing kept.
    const w0 = performance.now();
    const fp = cameraFootprint(edited, terrain);
    const flips = coverageFlips(net.counts, [net.get(original.externalId)!], fp.cells.length ? [fp] : []);
    applyFlips(grid, base, [provinces], [demand], flips);
    worstWhatIf = Math.max(worstWhatIf, performance.now() - w0);
    // The change, as the service makes it: new footprint, flips, counts, figures from the flips.
    const c0 = performance.now();
    const fp2 = cameraFootprint(edited, terrain);
    const flips2 = coverageFlips(net.counts, [net.get(original.externalId)!], fp2.cells.length ? [fp2] : []);
    net.set(original.externalId, fp2.cells.length ? fp2 : null);
    base = applyFlips(grid, base, [provinces], [demand], flips2);
    worst = Math.max(worst, performance.now() - c0);
    // The same figures by a full scan of the grid (what a bulk change costs), for comparison.
    const r0 = performance.now();
    figures(net.counts);
    worstRescan = Math.max(worstRescan, performance.now() - r0);
    const back = coverageFlips(net.counts, fp2.cells.length ? [fp2] : [], [
      footprints.get(original.externalId)!,
    ]);
    net.set(original.externalId, footprints.get(original.externalId)!);
    base = applyFlips(grid, base, [provinces], [demand], back);
  }
  console.log(
    `  ${label}: ${online.length} online cameras (${withTerrain.length} seeing at least one cell), ${n} changes; grid ${grid.cellCount.toLocaleString('en-US')} cells`,
  );
  console.log(`  (figures by a full scan of the grid instead: worst ${worstRescan.toFixed(0)} ms)`);
  const a = report({
    name: `${label}: coverage recomputed after one camera change (worst of ${n})`,
    value: worst,
    unit: 'ms',
    budget: { value: BUDGET_MS, better: 'lower' },
    baseline: { name: 'recompute from scratch', value: scratchMs },
  });
  const b = report({
    name: `${label}: what-if of one camera change (worst of ${n})`,
    value: worstWhatIf,
    unit: 'ms',
    budget: { value: BUDGET_MS, better: 'lower' },
    baseline: { name: 'recompute from scratch', value: scratchMs },
  });
  return a && b;
}

const volcanoSet = cameras.filter((c) => c.kind === 'thermal');
const quitoBox = cityBoxes(PLACES).find((b) => b.name === 'Quito')!.bbox;
const quitoSet = cameras.filter(
  (c) =>
    c.kind !== 'thermal' &&
    c.position[0] >= quitoBox[0] &&
    c.position[0] <= quitoBox[2] &&
    c.position[1] >= quitoBox[1] &&
    c.position[1] <= quitoBox[3],
);

let ok = true;
ok =
  measureSet('volcano cameras', volcanoSet, (c) => ({ ...c, azimuthDeg: (c.azimuthDeg + 15) % 360 }), 30) &&
  ok;
ok =
  measureSet(
    'Quito cameras',
    quitoSet,
    (c) => ({ ...c, position: [c.position[0] + 150 / 111320, c.position[1]] }),
    25,
  ) && ok;
terrain.close();
process.exit(ok ? 0 : 1);
