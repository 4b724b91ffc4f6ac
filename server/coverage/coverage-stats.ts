/**
 * Coverage figures per zone (province, region) and per area: the share of the area seen by the
 * network, and the share of each demand (incidents, population) that falls where it is seen.
 *
 * Zones are rasterised to the coverage grid once (a cell belongs to the polygon holding its
 * centre, even–odd rule, the convention of GDAL's rasterize without ALL_TOUCHED); demands are
 * sparse weights per cell. A full scan of the grid gives the totals; a camera edit changes only
 * the cells whose coverage flips (network-coverage.ts coverageFlips), and applyFlips updates the
 * totals from those alone.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { CoverageGrid } from './coverage-grid.js';
import { cellAt, isOwned, shadowSpans, tierCell } from './coverage-grid.js';
import type { DemRaster } from './dem-raster.js';
import type { CoverageFlips } from './network-coverage.js';

/** Zone index meaning "in no zone". At most 255 zones per layer. */
export const NO_ZONE = 255;

/** A polygon to rasterise as a zone. Coordinates in degrees. */
export interface ZonePolygon {
  id: string;
  name: string;
  geometry: Polygon | MultiPolygon;
}

/** A partition of (part of) the grid into named zones. */
export interface ZoneLayer {
  /** e.g. `province`, `region`. */
  name: string;
  ids: string[];
  names: string[];
  /** Zone index of each grid cell, NO_ZONE outside every zone or where the cell is not owned. */
  zoneOf: Uint8Array;
}

/** Weights on cells: incidents counted per cell, people per cell. Sparse. */
export interface DemandLayer {
  /** e.g. `incidents`, `population`. */
  name: string;
  /** Cells with weight > 0, ascending. */
  cells: Uint32Array;
  weights: Float64Array;
}

/**
 * Rasterises polygons to the grid's owned cells: a cell takes the zone whose polygon holds its
 * centre (even–odd, so holes are holes). Later polygons win where polygons overlap.
 * Scanline per row: O(edges spanning the row + cells filled).
 */
export function rasterizeZones(grid: CoverageGrid, name: string, zones: readonly ZonePolygon[]): ZoneLayer {
  if (zones.length >= NO_ZONE) throw new RangeError(`${zones.length} zones in layer ${name}; at most 254`);
  const zoneOf = new Uint8Array(grid.cellCount).fill(NO_ZONE);
  zones.forEach((zone, z) => {
    const edges = edgesOf(zone.geometry);
    if (edges.length === 0) return;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const e of edges) {
      yMin = Math.min(yMin, e.y0, e.y1);
      yMax = Math.max(yMax, e.y0, e.y1);
    }
    grid.tiers.forEach((t, k) => {
      const gt = t.geoTransform;
      // Rows whose centre latitude lies within the polygon's span (gt[5] < 0: rows run south).
      const rowA = Math.max(0, Math.floor((yMax - gt[3]) / gt[5] - 0.5));
      const rowB = Math.min(t.height - 1, Math.ceil((yMin - gt[3]) / gt[5] - 0.5));
      const xs: number[] = [];
      for (let r = rowA; r <= rowB; r++) {
        const y = gt[3] + (r + 0.5) * gt[5];
        xs.length = 0;
        for (const e of edges) {
          // Half-open in y so a vertex on the scanline is counted once.
          if (e.y0 <= y !== e.y1 <= y) xs.push(e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0));
        }
        if (xs.length < 2) continue;
        xs.sort((a, b) => a - b);
        const spans = shadowSpans(grid, k, r);
        for (let p = 0; p + 1 < xs.length; p += 2) {
          // Cells whose centre x is in [xs[p], xs[p+1]).
          const c0 = Math.max(0, Math.ceil((xs[p]! - gt[0]) / gt[1] - 0.5));
          const c1 = Math.min(t.width, Math.ceil((xs[p + 1]! - gt[0]) / gt[1] - 0.5));
          const base = t.offset + r * t.width;
          for (let c = c0; c < c1; c++) {
            if (spans.length && inSpans(spans, c)) continue;
            zoneOf[base + c] = z;
          }
        }
      }
    });
  });
  return { name, ids: zones.map((z) => z.id), names: zones.map((z) => z.name), zoneOf };
}

/**
 * A coarser layer made of whole zones of another (regions as groups of provinces): each cell
 * takes the group of its zone; zones in no group are in no zone.
 */
export function groupZones(
  base: ZoneLayer,
  name: string,
  groups: readonly { id: string; name: string; members: readonly string[] }[],
): ZoneLayer {
  if (groups.length >= NO_ZONE) throw new RangeError(`${groups.length} groups in layer ${name}; at most 254`);
  const map = new Uint8Array(256).fill(NO_ZONE);
  groups.forEach((g, gi) => {
    for (const m of g.members) {
      const z = base.ids.indexOf(m);
      if (z < 0) throw new Error(`Group ${g.id} names zone ${m}, which layer ${base.name} does not have`);
      map[z] = gi;
    }
  });
  const zoneOf = new Uint8Array(base.zoneOf.length);
  for (let i = 0; i < zoneOf.length; i++) zoneOf[i] = map[base.zoneOf[i]!]!;
  return { name, ids: groups.map((g) => g.id), names: groups.map((g) => g.name), zoneOf };
}

/**
 * A demand layer from weights per cell (repeats are summed; cells < 0, i.e. outside the grid,
 * and weights ≤ 0 are dropped).
 * @example demandLayer('incidents', [[1200, 3], [1201, 1]])
 */
export function demandLayer(name: string, entries: Iterable<readonly [number, number]>): DemandLayer {
  const sum = new Map<number, number>();
  for (const [cell, w] of entries) {
    if (!Number.isFinite(w)) throw new RangeError(`Demand ${name} has weight ${w} at cell ${cell}`);
    if (cell < 0 || !(w > 0)) continue;
    sum.set(cell, (sum.get(cell) ?? 0) + w);
  }
  const cells = Uint32Array.from(sum.keys()).sort();
  return { name, cells, weights: Float64Array.from(cells, (c) => sum.get(c)!) };
}

/**
 * A demand layer from a raster of counts (people per pixel, e.g. a WorldPop GeoTIFF in EPSG:4326):
 * each pixel's value goes to the grid cell holding its centre. Pixels much coarser than the grid
 * land on one cell each; resample the raster first if that matters. Nodata, NaN and values ≤ 0
 * are skipped.
 */
export function demandFromRaster(
  grid: CoverageGrid,
  name: string,
  raster: Pick<DemRaster, 'width' | 'height' | 'data' | 'nodata' | 'geoTransform' | 'crs'>,
): DemandLayer {
  if (raster.crs.kind !== 'geographic') {
    throw new Error(`Demand raster ${name} is in EPSG:${raster.crs.epsg}; it must be in EPSG:4326`);
  }
  const gt = raster.geoTransform;
  const entries: [number, number][] = [];
  for (let r = 0; r < raster.height; r++) {
    const y = gt[3] + (r + 0.5) * gt[5];
    for (let c = 0; c < raster.width; c++) {
      const v = raster.data[r * raster.width + c]!;
      if (!(v > 0) || v === raster.nodata) continue;
      const cell = cellAt(grid, gt[0] + (c + 0.5) * gt[1], y);
      if (cell >= 0) entries.push([cell, v]);
    }
  }
  return demandLayer(name, entries);
}

/** Totals of one layer's zones; index = zone. */
export interface LayerTotals {
  cells: Float64Array;
  areaM2: Float64Array;
  coveredCells: Float64Array;
  coveredAreaM2: Float64Array;
  /** Per demand layer (same order as given): total and covered weight per zone. */
  demand: { total: Float64Array; covered: Float64Array }[];
}

export interface CoverageTotals {
  layers: LayerTotals[];
}

/**
 * Totals by a full scan of the grid: O(cells) for areas, O(demand cells) for demands.
 */
export function coverageTotals(
  grid: CoverageGrid,
  counts: Uint16Array,
  layers: readonly ZoneLayer[],
  demands: readonly DemandLayer[],
): CoverageTotals {
  const out: LayerTotals[] = layers.map((l) => emptyTotals(l, demands.length));
  for (const t of grid.tiers) {
    for (let r = 0; r < t.height; r++) {
      const a = t.rowAreaM2[r]!;
      const base = t.offset + r * t.width;
      for (let li = 0; li < layers.length; li++) {
        const zoneOf = layers[li]!.zoneOf;
        const lt = out[li]!;
        for (let i = base, end = base + t.width; i < end; i++) {
          const z = zoneOf[i]!;
          if (z === NO_ZONE) continue;
          lt.cells[z]!++;
          lt.areaM2[z]! += a;
          if (counts[i]! > 0) {
            lt.coveredCells[z]!++;
            lt.coveredAreaM2[z]! += a;
          }
        }
      }
    }
  }
  demands.forEach((d, di) => {
    for (let k = 0; k < d.cells.length; k++) {
      const cell = d.cells[k]!;
      const w = d.weights[k]!;
      const seen = counts[cell]! > 0;
      for (let li = 0; li < layers.length; li++) {
        const z = layers[li]!.zoneOf[cell]!;
        if (z === NO_ZONE) continue;
        const dt = out[li]!.demand[di]!;
        dt.total[z]! += w;
        if (seen) dt.covered[z]! += w;
      }
    }
  });
  return { layers: out };
}

/**
 * The totals after some cells switch on or off (coverageFlips), without touching `totals`.
 * Cost: the flipped cells (and a binary search in each demand per cell).
 */
export function applyFlips(
  grid: CoverageGrid,
  totals: CoverageTotals,
  layers: readonly ZoneLayer[],
  demands: readonly DemandLayer[],
  flips: CoverageFlips,
): CoverageTotals {
  const next: CoverageTotals = {
    layers: totals.layers.map((lt) => ({
      cells: lt.cells,
      areaM2: lt.areaM2,
      coveredCells: Float64Array.from(lt.coveredCells),
      coveredAreaM2: Float64Array.from(lt.coveredAreaM2),
      demand: lt.demand.map((d) => ({ total: d.total, covered: Float64Array.from(d.covered) })),
    })),
  };
  const apply = (cells: Uint32Array, sign: 1 | -1) => {
    for (const cell of cells) {
      const { tier, row } = tierCell(grid, cell);
      const a = grid.tiers[tier]!.rowAreaM2[row]!;
      const weights = demands.map((d) => weightAt(d, cell));
      layers.forEach((l, li) => {
        const z = l.zoneOf[cell]!;
        if (z === NO_ZONE) return;
        const lt = next.layers[li]!;
        lt.coveredCells[z]! += sign;
        lt.coveredAreaM2[z]! += sign * a;
        weights.forEach((w, di) => {
          if (w > 0) lt.demand[di]!.covered[z]! += sign * w;
        });
      });
    }
  };
  apply(flips.gained, 1);
  apply(flips.lost, -1);
  return next;
}

/** The weight of a demand at a cell (0 where it has none). Binary search: O(log n). */
export function weightAt(d: DemandLayer, cell: number): number {
  let lo = 0;
  let hi = d.cells.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = d.cells[mid]!;
    if (c === cell) return d.weights[mid]!;
    if (c < cell) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** Figures for one zone or area, as the API returns them. */
export interface ZoneStat {
  id: string;
  name: string;
  /** Owned grid cells in the zone. */
  cells: number;
  /** The zone's area on the grid, km² (cells whose centre is inside). */
  areaKm2: number;
  coveredAreaKm2: number;
  /** coveredAreaKm2 / areaKm2 · 100; null for a zone with no cells on the grid. */
  coveredAreaPct: number | null;
  /** Per demand layer: total and covered weight, and the covered share in percent (null when the total is 0). */
  demand: Record<string, { total: number; covered: number; coveredPct: number | null }>;
}

/** One layer's zones as ZoneStat rows, in the layer's order. */
export function layerStats(
  layer: ZoneLayer,
  totals: LayerTotals,
  demands: readonly DemandLayer[],
): ZoneStat[] {
  return layer.ids.map((id, z) =>
    statOf(
      id,
      layer.names[z]!,
      totals.cells[z]!,
      totals.areaM2[z]!,
      totals.coveredAreaM2[z]!,
      demands.map((d, di) => [d.name, totals.demand[di]!.total[z]!, totals.demand[di]!.covered[z]!] as const),
    ),
  );
}

/** The sum of a layer's zones as one row (e.g. the whole mainland from its provinces). */
export function layerSum(
  id: string,
  name: string,
  totals: LayerTotals,
  demands: readonly DemandLayer[],
): ZoneStat {
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  return statOf(
    id,
    name,
    sum(totals.cells),
    sum(totals.areaM2),
    sum(totals.coveredAreaM2),
    demands.map((d, di) => [d.name, sum(totals.demand[di]!.total), sum(totals.demand[di]!.covered)] as const),
  );
}

/**
 * Figures for an arbitrary set of owned cells (an area of interest: a box, a disc around a
 * volcano): O(cells in it + log(demand) per cell).
 */
export function cellSetStat(
  grid: CoverageGrid,
  counts: Uint16Array,
  id: string,
  name: string,
  cells: Uint32Array,
  demands: readonly DemandLayer[],
): ZoneStat {
  let area = 0;
  let covered = 0;
  const total = demands.map(() => 0);
  const seen = demands.map(() => 0);
  for (const cell of cells) {
    const { tier, row } = tierCell(grid, cell);
    const a = grid.tiers[tier]!.rowAreaM2[row]!;
    const on = counts[cell]! > 0;
    area += a;
    if (on) covered += a;
    demands.forEach((d, di) => {
      const w = weightAt(d, cell);
      total[di]! += w;
      if (on) seen[di]! += w;
    });
  }
  return statOf(
    id,
    name,
    cells.length,
    area,
    covered,
    demands.map((d, di) => [d.name, total[di]!, seen[di]!] as const),
  );
}

/** Owned cells of a layer's zone, ascending. */
export function zoneCells(layer: ZoneLayer, zone: number): Uint32Array {
  const out: number[] = [];
  const zoneOf = layer.zoneOf;
  for (let i = 0; i < zoneOf.length; i++) if (zoneOf[i] === zone) out.push(i);
  return Uint32Array.from(out);
}

/** Owned cells whose centre passes a test, within a lon/lat box (degrees), ascending. */
export function cellsInBox(
  grid: CoverageGrid,
  bbox: readonly [number, number, number, number],
  keep: (lon: number, lat: number) => boolean = () => true,
): Uint32Array {
  const out: number[] = [];
  grid.tiers.forEach((t, k) => {
    const gt = t.geoTransform;
    const [west, south, east, north] = bbox;
    // Cells whose centre lies in the box.
    const c0 = Math.max(0, Math.ceil((west - gt[0]) / gt[1] - 0.5));
    const c1 = Math.min(t.width, Math.floor((east - gt[0]) / gt[1] - 0.5) + 1);
    const r0 = Math.max(0, Math.ceil((north - gt[3]) / gt[5] - 0.5));
    const r1 = Math.min(t.height, Math.floor((south - gt[3]) / gt[5] - 0.5) + 1);
    for (let r = r0; r < r1; r++) {
      const y = gt[3] + (r + 0.5) * gt[5];
      for (let c = c0; c < c1; c++) {
        if (!isOwned(grid, k, c, r)) continue;
        if (keep(gt[0] + (c + 0.5) * gt[1], y)) out.push(t.offset + r * t.width + c);
      }
    }
  });
  return Uint32Array.from(out).sort();
}

function statOf(
  id: string,
  name: string,
  cells: number,
  areaM2: number,
  coveredM2: number,
  demand: readonly (readonly [string, number, number])[],
): ZoneStat {
  return {
    id,
    name,
    cells,
    areaKm2: round(areaM2 / 1e6, 3),
    coveredAreaKm2: round(coveredM2 / 1e6, 3),
    coveredAreaPct: cells > 0 && areaM2 > 0 ? round((100 * coveredM2) / areaM2, 2) : null,
    demand: Object.fromEntries(
      demand.map(([n, total, covered]) => [
        n,
        {
          total: round(total, 3),
          covered: round(covered, 3),
          coveredPct: total > 0 ? round((100 * covered) / total, 2) : null,
        },
      ]),
    ),
  };
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function emptyTotals(l: ZoneLayer, nDemands: number): LayerTotals {
  const n = l.ids.length;
  return {
    cells: new Float64Array(n),
    areaM2: new Float64Array(n),
    coveredCells: new Float64Array(n),
    coveredAreaM2: new Float64Array(n),
    demand: Array.from({ length: nDemands }, () => ({
      total: new Float64Array(n),
      covered: new Float64Array(n),
    })),
  };
}

interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function edgesOf(g: Polygon | MultiPolygon): Edge[] {
  const polys: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const edges: Edge[] = [];
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i]!;
        const b = ring[(i + 1) % ring.length]!;
        if (a[1] === b[1]) continue; // horizontal: never crosses a scanline in the half-open rule
        edges.push({ x0: a[0]!, y0: a[1]!, x1: b[0]!, y1: b[1]! });
      }
    }
  }
  return edges;
}

function inSpans(spans: [number, number][], c: number): boolean {
  for (const [a, b] of spans) if (c >= a && c < b) return true;
  return false;
}
