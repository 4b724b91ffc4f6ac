/**
 * Candidate sites for new cameras, and the siting problem they make with the coverage grid.
 *
 * Sites come from four places: the DEM's high points (cells higher than everything within a
 * radius: hilltops and ridge tops see far), points near towns (server/demo/places.ts's town
 * centres and a ring around each), points along the main roads (server/demo/roads.ts, which is
 * approximate), and points the user draws. A site becomes one candidate camera per aim: a 360°
 * model once, a model with a narrower field once per sector of a full turn.
 *
 * Each candidate's coverage is its footprint (network-coverage.ts) restricted to the cells of
 * the area that carry demand; those lists are the CSR of siting-problem.ts.
 */
import type { CameraKind } from '../domain/types.js';
import type { DemRaster } from './dem-raster.js';
import { cellCentre as rasterCellCentre } from './dem-raster.js';
import { groundDistanceDeg, metresPerDegree } from './ground-scale.js';
import type { CameraForCoverage, Footprint } from './network-coverage.js';
import type { SitingBudget, SitingProblem } from './siting-problem.js';
import { coverageFromLists } from './siting-problem.js';

export const CANDIDATE_SOURCES = ['user', 'town', 'road', 'high-point'] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];

export interface CandidateSite {
  lon: number;
  lat: number;
  source: CandidateSource;
  /** e.g. `Latacunga +1.5 km N`, `E35 km 12`, `high point 4,312 m`. */
  label: string;
  /** Aim for a narrow camera at this site (user points may fix it); otherwise every sector is tried. */
  azimuthDeg?: number;
}

/** A camera model to place: the optics of the inventory plus a unit price. */
export interface CameraModel {
  kind: CameraKind;
  mountHeightM: number;
  hfovDeg: number;
  vfovDeg: number;
  tiltDeg: number;
  rangeM: number;
  resolutionHPx: number;
  /** Installed cost of one camera, USD. */
  unitCostUsd: number;
}

/** One candidate camera: a site, an aim, the camera there. */
export interface Candidate {
  site: CandidateSite;
  azimuthDeg: number;
  camera: CameraForCoverage;
  cost: number;
}

export interface HighPointOptions {
  /** A high point is the highest cell within this many cells on each axis. Default 5. */
  radiusCells?: number;
  /** Most points returned, highest first. Default 60. */
  limit?: number;
  /** Two points closer than this are one (the higher kept), metres. Default 1,000. */
  minSpacingM?: number;
  /** Keep only points this test accepts (inside the area). */
  keep?: (lon: number, lat: number) => boolean;
  /** Skip cells above this height (ice, no access), metres. Default none. */
  maxElevationM?: number;
  /**
   * A high point must stand this much above the lowest cell within radiusCells, metres: a flat
   * plain has no high points. Default 10.
   */
  minReliefM?: number;
}

/**
 * The DEM's high points: cells that are the highest within `radiusCells` on each axis and
 * stand `minReliefM` above the lowest there (separable running max and min, O(cells · radius)),
 * highest first, thinned to `minSpacingM`.
 * @example highPoints(dem, { radiusCells: 5, limit: 40 })
 */
export function highPoints(dem: DemRaster, options: HighPointOptions = {}): CandidateSite[] {
  const k = options.radiusCells ?? 5;
  const limit = options.limit ?? 60;
  const spacing = options.minSpacingM ?? 1000;
  const maxH = options.maxElevationM ?? Infinity;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`radiusCells must be an integer ≥ 1, got ${k}`);
  const { width: W, height: H, data, nodata } = dem;
  const value = (i: number) => {
    const v = data[i]!;
    return nodata !== null && v === nodata ? -Infinity : v;
  };
  const relief = options.minReliefM ?? 10;
  const rowMax = new Float64Array(W * H);
  const rowMin = new Float64Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      let hi = -Infinity;
      let lo = Infinity;
      for (let d = Math.max(0, c - k); d <= Math.min(W - 1, c + k); d++) {
        const v = value(r * W + d);
        if (v > hi) hi = v;
        if (v !== -Infinity && v < lo) lo = v;
      }
      rowMax[r * W + c] = hi;
      rowMin[r * W + c] = lo;
    }
  }
  const found: { i: number; h: number }[] = [];
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const i = r * W + c;
      const h = value(i);
      if (h === -Infinity || h > maxH) continue;
      let hi = -Infinity;
      let lo = Infinity;
      for (let d = Math.max(0, r - k); d <= Math.min(H - 1, r + k); d++) {
        hi = Math.max(hi, rowMax[d * W + c]!);
        lo = Math.min(lo, rowMin[d * W + c]!);
      }
      if (h >= hi && h - lo >= relief) found.push({ i, h });
    }
  }
  found.sort((a, b) => b.h - a.h || a.i - b.i);
  const out: CandidateSite[] = [];
  for (const { i, h } of found) {
    if (out.length >= limit) break;
    const r = Math.floor(i / W);
    const { x: lon, y: lat } = rasterCellCentre(dem.geoTransform, i - r * W, r);
    if (options.keep && !options.keep(lon, lat)) continue;
    if (out.some((s) => groundDistanceDeg(s.lon, s.lat, lon, lat) < spacing)) continue;
    out.push({
      lon,
      lat,
      source: 'high-point',
      label: `high point ${Math.round(h).toLocaleString('en-US')} m`,
    });
  }
  return out;
}

/**
 * A town's centre and four points `ringKm` from it (N, E, S, W): rooftops and hills on the
 * edge of town see into it.
 */
export function townSites(
  towns: readonly { name: string; lon: number; lat: number }[],
  ringKm = 1.5,
): CandidateSite[] {
  const out: CandidateSite[] = [];
  for (const t of towns) {
    out.push({ lon: t.lon, lat: t.lat, source: 'town', label: `${t.name} centre` });
    const k = metresPerDegree(t.lat);
    const dLat = (ringKm * 1000) / k.north;
    const dLon = (ringKm * 1000) / k.east;
    const ring: [string, number, number][] = [
      ['N', 0, dLat],
      ['E', dLon, 0],
      ['S', 0, -dLat],
      ['W', -dLon, 0],
    ];
    for (const [dir, dx, dy] of ring) {
      out.push({ lon: t.lon + dx, lat: t.lat + dy, source: 'town', label: `${t.name} +${ringKm} km ${dir}` });
    }
  }
  return out;
}

/** Points every `spacingKm` along polylines of [lon, lat] (roads), labelled with the road and km. */
export function roadSites(
  roads: readonly { ref: string; path: readonly (readonly [number, number])[] }[],
  spacingKm = 2,
  keep: (lon: number, lat: number) => boolean = () => true,
): CandidateSite[] {
  if (!(spacingKm > 0)) throw new RangeError(`spacingKm must be > 0, got ${spacingKm}`);
  const out: CandidateSite[] = [];
  for (const road of roads) {
    let along = 0; // km from the road's start to the current vertex
    let next = 0; // km of the next point to emit
    for (let i = 0; i + 1 < road.path.length; i++) {
      const [x0, y0] = road.path[i]!;
      const [x1, y1] = road.path[i + 1]!;
      const len = groundDistanceDeg(x0, y0, x1, y1) / 1000;
      while (next <= along + len) {
        const f = len > 0 ? (next - along) / len : 0;
        const lon = x0 + f * (x1 - x0);
        const lat = y0 + f * (y1 - y0);
        if (keep(lon, lat))
          out.push({ lon, lat, source: 'road', label: `${road.ref} km ${next.toFixed(0)}` });
        next += spacingKm;
      }
      along += len;
    }
  }
  return out;
}

/**
 * Merges site lists, dropping a site within `minSpacingM` of one already kept; earlier lists
 * win (give user points first).
 */
export function mergeSites(lists: readonly (readonly CandidateSite[])[], minSpacingM = 100): CandidateSite[] {
  const out: CandidateSite[] = [];
  for (const list of lists) {
    for (const s of list) {
      if (out.some((o) => groundDistanceDeg(o.lon, o.lat, s.lon, s.lat) < minSpacingM)) continue;
      out.push(s);
    }
  }
  return out;
}

/**
 * The candidate cameras at the sites: one per site for a 360° model (or a site with a fixed
 * aim), else one per sector: ⌈360 / hfov⌉ aims spaced evenly from north.
 */
export function candidateCameras(sites: readonly CandidateSite[], model: CameraModel): Candidate[] {
  const out: Candidate[] = [];
  for (const site of sites) {
    const sectors = Math.ceil(360 / model.hfovDeg);
    const aims: number[] =
      model.hfovDeg >= 360
        ? [0]
        : site.azimuthDeg !== undefined
          ? [site.azimuthDeg]
          : Array.from({ length: sectors }, (_, k) => (k * 360) / sectors);
    for (const azimuthDeg of aims) {
      out.push({
        site,
        azimuthDeg,
        cost: model.unitCostUsd,
        camera: {
          kind: model.kind,
          position: [site.lon, site.lat],
          mountHeightM: model.mountHeightM,
          azimuthDeg,
          hfovDeg: model.hfovDeg,
          vfovDeg: model.vfovDeg,
          tiltDeg: model.tiltDeg,
          rangeM: model.rangeM,
          resolutionHPx: model.resolutionHPx,
        },
      });
    }
  }
  return out;
}

/**
 * The siting problem on an area: its demand cells (grid cells, ascending, weight > 0), the
 * network's counts for what is already seen, and each candidate's footprint restricted to those
 * cells. Problem cell i is `cells[i]`.
 */
export function sitingProblemOf(input: {
  cells: Uint32Array;
  weights: Float64Array;
  counts: Uint16Array;
  footprints: readonly Footprint[];
  costs: readonly number[];
  budget: SitingBudget;
  alreadyCoveredValue?: number;
}): SitingProblem {
  const { cells, weights, counts, footprints } = input;
  if (weights.length !== cells.length) {
    throw new Error(`${cells.length} demand cells but ${weights.length} weights`);
  }
  if (footprints.length !== input.costs.length) {
    throw new Error(`${footprints.length} candidate footprints but ${input.costs.length} costs`);
  }
  const local = new Map<number, number>();
  cells.forEach((c, i) => local.set(c, i));
  const lists = footprints.map((fp) => {
    const seen: number[] = [];
    for (const c of fp.cells) {
      const i = local.get(c);
      if (i !== undefined) seen.push(i);
    }
    return seen;
  });
  const alreadyCovered = Uint8Array.from(cells, (c) => (counts[c]! > 0 ? 1 : 0));
  return {
    demand: Float64Array.from(weights),
    alreadyCovered,
    ...(input.alreadyCoveredValue !== undefined ? { alreadyCoveredValue: input.alreadyCoveredValue } : {}),
    cost: Float64Array.from(input.costs),
    ...coverageFromLists(lists),
    budget: input.budget,
  };
}

/**
 * The cells a chosen camera newly sees, in the order chosen: its footprint minus the cells the
 * network and the cameras chosen before it see (for the map of what each site adds; demand or
 * not). Each list ascending.
 */
export function newlySeenCells(
  counts: Uint16Array,
  chosen: readonly Footprint[],
  keep: (cell: number) => boolean = () => true,
): Uint32Array[] {
  const taken = new Set<number>();
  return chosen.map((fp) => {
    const fresh: number[] = [];
    for (const c of fp.cells) {
      if (counts[c]! > 0 || taken.has(c) || !keep(c)) continue;
      taken.add(c);
      fresh.push(c);
    }
    return Uint32Array.from(fresh);
  });
}
