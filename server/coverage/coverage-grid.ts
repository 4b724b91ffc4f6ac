/**
 * The coverage grid: one flat index over the cells of several DEM grids ("tiers"), finest first.
 *
 * Atalaya's terrain is a 3″ (≈ 92 m) store over the volcanic corridor (Quito, Cotopaxi,
 * Tungurahua…) and a 9″ (≈ 278 m) store over the whole mainland (server/terrain/terrain.ts).
 * Coverage is kept on exactly those grids, so that a viewshed computed on a store's window is
 * copied into the grid by an index offset, never resampled: corridor cameras at 3″, the rest at
 * 9″. A city dome with a 300 m range covers ~30 cells in Quito but only a cell or two in
 * Guayaquil, which is as fine as the terrain there is known.
 *
 * Where tiers overlap, the finest owns the ground: a cell of a coarser tier is *owned* (part of
 * the grid) only when its centre lies outside every finer tier. Cells that are not owned are
 * never counted; anything that lands on one (a coarse viewshed crossing into the corridor, an
 * incident) is handed to the finer cells whose centres lie inside it. Along the corridor's edge
 * this leaves a strip less than half a coarse cell wide where the two tiers overlap or leave a
 * sliver: ≈ 140 m along a ≈ 1,000 km perimeter, under 0.1 % of the mainland's area.
 *
 * All tiers are north-up EPSG:4326 grids (degrees), as the camera positions are.
 */
import { createHash } from 'node:crypto';
import type { CellWindow, DemRaster, GeoTransform, RasterCrs } from './dem-raster.js';
import { windowAround, windowGeoTransform } from './dem-raster.js';
import { metresPerDegree } from './ground-scale.js';

/** One DEM grid taking part in the coverage grid. */
export interface GridTier {
  /** Name of the DEM store (e.g. `central-andes-srtm-3s`). */
  name: string;
  width: number;
  height: number;
  geoTransform: GeoTransform;
  crs: RasterCrs;
  /** Identity of the heights (e.g. the source file's SHA-256): footprints are recomputed when it changes. */
  sourceId?: string;
}

/** A half-open rectangle of a tier's cells: columns [col0, col1), rows [row0, row1). */
export interface CellRect {
  col0: number;
  col1: number;
  row0: number;
  row1: number;
}

export interface TierLayout extends GridTier {
  /** Global index of the tier's cell (0, 0); cell (c, r) is offset + r·width + c. */
  offset: number;
  /** Ground area of one cell on each row, m² (WGS 84, at the row's centre latitude). */
  rowAreaM2: Float64Array;
  /** The cells of this tier whose centres lie in each finer tier: not owned. */
  shadowed: CellRect[];
}

export interface CoverageGrid {
  /** Finest first. */
  tiers: TierLayout[];
  cellCount: number;
  /** Hash of the tiers' geometry and sources: footprints are valid for one key only. */
  key: string;
}

/** Where a global cell index lies. */
export interface TierCell {
  tier: number;
  col: number;
  row: number;
}

/**
 * Lays the tiers out in one index, finest first (by cell size in degrees², ties in the given
 * order). Throws for a tier that is not a north-up EPSG:4326 grid, and when the cells would not
 * fit a 32-bit index.
 * @example coverageGrid([{ name: 'corridor', width: 2100, height: 3300, geoTransform, crs }])
 */
export function coverageGrid(tiers: readonly GridTier[]): CoverageGrid {
  if (tiers.length === 0) throw new Error('A coverage grid needs at least one tier');
  for (const t of tiers) checkTier(t);
  const sorted = tiers
    .map((t, i) => ({ t, i, size: Math.abs(t.geoTransform[1] * t.geoTransform[5]) }))
    .sort((a, b) => a.size - b.size || a.i - b.i)
    .map((s) => s.t);
  const layouts: TierLayout[] = [];
  let offset = 0;
  for (const t of sorted) {
    const shadowed = layouts.map((finer) => shadowOf(t, finer));
    layouts.push({ ...t, offset, rowAreaM2: rowAreas(t), shadowed });
    offset += t.width * t.height;
  }
  if (offset > 0xffffffff) throw new Error(`The coverage grid would have ${offset} cells, over 2^32`);
  const hash = createHash('sha256');
  for (const t of layouts) {
    hash.update(JSON.stringify([t.name, t.width, t.height, t.geoTransform, t.crs, t.sourceId ?? null]));
  }
  return { tiers: layouts, cellCount: offset, key: hash.digest('hex').slice(0, 16) };
}

/** A coverage grid over in-memory rasters (tests, or a DEM read whole). */
export function gridTierOf(name: string, dem: DemRaster, sourceId?: string): GridTier {
  return {
    name,
    width: dem.width,
    height: dem.height,
    geoTransform: dem.geoTransform,
    crs: dem.crs,
    ...(sourceId ? { sourceId } : {}),
  };
}

/** Tier, column and row of a global cell index. */
export function tierCell(grid: CoverageGrid, cell: number): TierCell {
  const tier = tierIndexOf(grid, cell);
  const t = grid.tiers[tier]!;
  const local = cell - t.offset;
  const row = Math.floor(local / t.width);
  return { tier, col: local - row * t.width, row };
}

/** The tier a global index falls in. */
export function tierIndexOf(grid: CoverageGrid, cell: number): number {
  if (!(Number.isInteger(cell) && cell >= 0 && cell < grid.cellCount)) {
    throw new RangeError(`Cell ${cell} is not an index of the ${grid.cellCount}-cell coverage grid`);
  }
  let k = grid.tiers.length - 1;
  while (grid.tiers[k]!.offset > cell) k--;
  return k;
}

/** Whether a tier's cell is part of the grid (its centre lies in no finer tier). */
export function isOwned(grid: CoverageGrid, tier: number, col: number, row: number): boolean {
  for (const s of grid.tiers[tier]!.shadowed) {
    if (col >= s.col0 && col < s.col1 && row >= s.row0 && row < s.row1) return false;
  }
  return true;
}

/** The centre of a global cell, degrees. */
export function cellCentre(grid: CoverageGrid, cell: number): { x: number; y: number } {
  const { tier, col, row } = tierCell(grid, cell);
  const gt = grid.tiers[tier]!.geoTransform;
  return { x: gt[0] + (col + 0.5) * gt[1], y: gt[3] + (row + 0.5) * gt[5] };
}

/** Ground area of a global cell, m². */
export function cellAreaM2(grid: CoverageGrid, cell: number): number {
  const { tier, row } = tierCell(grid, cell);
  return grid.tiers[tier]!.rowAreaM2[row]!;
}

/**
 * The owned cell holding a point (x, y in degrees), or −1 outside every tier. A point in a
 * coarse cell that is not owned (the edge strip, see the file comment) goes to the finer cell
 * holding that coarse cell's centre, at most half a coarse cell away.
 */
export function cellAt(grid: CoverageGrid, x: number, y: number): number {
  for (let k = 0; k < grid.tiers.length; k++) {
    const t = grid.tiers[k]!;
    const gt = t.geoTransform;
    const col = Math.floor((x - gt[0]) / gt[1]);
    const row = Math.floor((y - gt[3]) / gt[5]);
    if (col < 0 || row < 0 || col >= t.width || row >= t.height) continue;
    return ownerOf(grid, k, col, row);
  }
  return -1;
}

/**
 * The owned cell standing for a tier's cell: the cell itself when owned, else the finer cell
 * holding its centre. Used for point data already binned to a tier (incidents counted in SQL).
 */
export function ownerOf(grid: CoverageGrid, tier: number, col: number, row: number): number {
  const t = grid.tiers[tier]!;
  if (isOwned(grid, tier, col, row)) return t.offset + row * t.width + col;
  const gt = t.geoTransform;
  return cellAt(grid, gt[0] + (col + 0.5) * gt[1], gt[3] + (row + 0.5) * gt[5]);
}

/**
 * Appends to `out` the owned cells that a tier's cell stands for: itself when owned, else every
 * owned cell of a finer tier whose centre lies inside it (≈ 9 corridor cells for a 9″ cell).
 * This is how a viewshed computed on a coarse store lands in the corridor.
 */
export function expandToOwned(
  grid: CoverageGrid,
  tier: number,
  col: number,
  row: number,
  out: number[],
): void {
  const t = grid.tiers[tier]!;
  if (isOwned(grid, tier, col, row)) {
    out.push(t.offset + row * t.width + col);
    return;
  }
  for (let j = 0; j < tier; j++) {
    const f = grid.tiers[j]!;
    const cols = centreRange(axisX(f), f.width, axisX(t), col, col + 1);
    const rows = centreRange(axisY(f), f.height, axisY(t), row, row + 1);
    for (let r = rows[0]; r < rows[1]; r++) {
      for (let c = cols[0]; c < cols[1]; c++) {
        if (isOwned(grid, j, c, r)) out.push(f.offset + r * f.width + c);
      }
    }
  }
}

/** Number of owned cells (those counted in areas). */
export function ownedCellCount(grid: CoverageGrid): number {
  let n = 0;
  for (let k = 0; k < grid.tiers.length; k++) {
    const t = grid.tiers[k]!;
    let shadow = 0;
    for (const r of ownedMaskRects(grid, k)) shadow += (r.col1 - r.col0) * (r.row1 - r.row0);
    n += t.width * t.height - shadow;
  }
  return n;
}

/**
 * The shadowed rectangles of a tier with overlaps between them removed, so that their areas add
 * up (two finer tiers may shadow the same coarse cells).
 */
function ownedMaskRects(grid: CoverageGrid, tier: number): CellRect[] {
  const t = grid.tiers[tier]!;
  const out: CellRect[] = [];
  for (let r = 0; r < t.height; r++) {
    const spans = shadowSpans(grid, tier, r);
    for (const [c0, c1] of spans) out.push({ col0: c0, col1: c1, row0: r, row1: r + 1 });
  }
  return out;
}

/**
 * The shadowed column spans of one row of a tier, sorted and merged: [col0, col1) pairs.
 * Everything outside them is owned.
 */
export function shadowSpans(grid: CoverageGrid, tier: number, row: number): [number, number][] {
  const spans: [number, number][] = [];
  for (const s of grid.tiers[tier]!.shadowed) {
    if (row >= s.row0 && row < s.row1 && s.col1 > s.col0) spans.push([s.col0, s.col1]);
  }
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [spans[0]!];
  for (const [a, b] of spans.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/**
 * The cells of a tier meeting a box of degrees [west, south, east, north]: a rectangle,
 * clipped to the tier (empty when they do not meet).
 */
export function tierRectOfBox(t: GridTier, bbox: readonly [number, number, number, number]): CellRect {
  const gt = t.geoTransform;
  const [west, south, east, north] = bbox;
  const col0 = Math.max(0, Math.floor((west - gt[0]) / gt[1]));
  const col1 = Math.min(t.width, Math.floor((east - gt[0]) / gt[1]) + 1);
  const row0 = Math.max(0, Math.floor((north - gt[3]) / gt[5]));
  const row1 = Math.min(t.height, Math.floor((south - gt[3]) / gt[5]) + 1);
  return { col0, col1: Math.max(col0, col1), row0, row1: Math.max(row0, row1) };
}

// ------------------------------------------------------------------------------ terrain on the grid

/** A DEM window and the tier whose grid it lies on. */
export interface TierWindow {
  tier: number;
  dem: DemRaster;
}

/** Terrain as coverage needs it: the grid, and DEM windows on its tiers. */
export interface CoverageTerrain {
  grid: CoverageGrid;
  /**
   * The cells within `rangeM` of a point (plus a cell of margin) from the finest tier holding
   * the whole circle, else the finest holding the point; null where no tier holds the point.
   * The same choice as server/terrain/terrain.ts's readTerrainAround.
   */
  windowAround(lon: number, lat: number, rangeM: number): TierWindow | null;
  /**
   * The cells of a lon/lat box [west, south, east, north] from the finest tier holding all of it,
   * else the finest holding its centre (clipped); null where no tier holds the centre.
   */
  windowOfBox(bbox: readonly [number, number, number, number]): TierWindow | null;
}

/** A tier and how to read a window of its heights (a DEM store, a raster in memory). */
export interface TierSource {
  tier: GridTier;
  /** Reads a window already clipped to the tier. */
  read(window: CellWindow): DemRaster;
}

/**
 * Terrain over tiers of any origin: windows are chosen as CoverageTerrain says and read from
 * the tier's source.
 */
export function tieredTerrain(sources: readonly TierSource[]): CoverageTerrain {
  const grid = coverageGrid(sources.map((s) => s.tier));
  const sourceOf = grid.tiers.map((t) => sources.find((s) => s.tier.name === t.name)!);
  const holds = (t: TierLayout, w: number, s: number, e: number, n: number) => {
    const gt = t.geoTransform;
    return w >= gt[0] && e <= gt[0] + t.width * gt[1] && s >= gt[3] + t.height * gt[5] && n <= gt[3];
  };
  const holdsPoint = (t: TierLayout, x: number, y: number) => {
    const gt = t.geoTransform;
    return x >= gt[0] && x < gt[0] + t.width * gt[1] && y > gt[3] + t.height * gt[5] && y <= gt[3];
  };
  const pick = (w: number, s: number, e: number, n: number, x: number, y: number): number => {
    let fallback = -1;
    for (let i = 0; i < grid.tiers.length; i++) {
      const t = grid.tiers[i]!;
      if (holds(t, w, s, e, n)) return i;
      if (fallback < 0 && holdsPoint(t, x, y)) fallback = i;
    }
    return fallback;
  };
  return {
    grid,
    windowAround(lon, lat, rangeM) {
      const k = metresPerDegree(lat);
      const dLat = rangeM / k.north;
      const dLon = rangeM / metresPerDegree(Math.min(89, Math.abs(lat) + dLat)).east;
      const i = pick(lon - dLon, lat - dLat, lon + dLon, lat + dLat, lon, lat);
      if (i < 0) return null;
      const t = grid.tiers[i]!;
      const info = {
        width: t.width,
        height: t.height,
        nodata: null,
        geoTransform: t.geoTransform,
        crs: t.crs,
      };
      return { tier: i, dem: sourceOf[i]!.read(windowAround(info, lon, lat, rangeM)) };
    },
    windowOfBox(bbox) {
      const [w, s, e, n] = bbox;
      const i = pick(w, s, e, n, (w + e) / 2, (s + n) / 2);
      if (i < 0) return null;
      const r = tierRectOfBox(grid.tiers[i]!, bbox);
      if (r.col1 <= r.col0 || r.row1 <= r.row0) return null;
      return {
        tier: i,
        dem: sourceOf[i]!.read({
          col0: r.col0,
          row0: r.row0,
          width: r.col1 - r.col0,
          height: r.row1 - r.row0,
        }),
      };
    },
  };
}

/** Terrain over whole rasters in memory, one per tier (tests, or a DEM read whole). */
export function memoryTerrain(
  tiers: readonly { name: string; dem: DemRaster; sourceId?: string }[],
): CoverageTerrain {
  return tieredTerrain(
    tiers.map((t) => ({ tier: gridTierOf(t.name, t.dem, t.sourceId), read: (w) => sliceRaster(t.dem, w) })),
  );
}

/** A window of a raster as a raster of its own (Float32 heights). */
export function sliceRaster(dem: DemRaster, w: CellWindow): DemRaster {
  const data = new Float32Array(w.width * w.height);
  for (let r = 0; r < w.height; r++) {
    for (let c = 0; c < w.width; c++)
      data[r * w.width + c] = dem.data[(w.row0 + r) * dem.width + w.col0 + c]!;
  }
  return {
    width: w.width,
    height: w.height,
    data,
    nodata: dem.nodata,
    geoTransform: windowGeoTransform(dem.geoTransform, w),
    crs: dem.crs,
  };
}

/**
 * A DEM refined `factor` times on each axis by bilinear interpolation between cell centres
 * (edge cells extended; a nodata neighbour makes the nearest cell's value win): each cell
 * splits into factor × factor cells exactly. No terrain detail is added; the cells become
 * small enough for a camera whose range is a cell or two of the source (a 9″ cell is ≈ 278 m,
 * a city dome sees 150–400 m).
 */
export function refineDem(dem: DemRaster, factor: number): DemRaster {
  if (!(Number.isInteger(factor) && factor >= 1))
    throw new RangeError(`factor must be an integer ≥ 1, got ${factor}`);
  const W = dem.width * factor;
  const H = dem.height * factor;
  const data = new Float32Array(W * H);
  const nodata = dem.nodata;
  const at = (c: number, r: number) => dem.data[r * dem.width + c]!;
  const isVoid = (v: number) => (nodata !== null && v === nodata) || v !== v;
  for (let r = 0; r < H; r++) {
    const fy = Math.min(dem.height - 1, Math.max(0, (r + 0.5) / factor - 0.5));
    const r0 = Math.floor(fy);
    const r1 = Math.min(dem.height - 1, r0 + 1);
    const ty = fy - r0;
    for (let c = 0; c < W; c++) {
      const fx = Math.min(dem.width - 1, Math.max(0, (c + 0.5) / factor - 0.5));
      const c0 = Math.floor(fx);
      const c1 = Math.min(dem.width - 1, c0 + 1);
      const tx = fx - c0;
      const v00 = at(c0, r0);
      const v10 = at(c1, r0);
      const v01 = at(c0, r1);
      const v11 = at(c1, r1);
      if (isVoid(v00) || isVoid(v10) || isVoid(v01) || isVoid(v11)) {
        data[r * W + c] = at(Math.floor(c / factor), Math.floor(r / factor));
      } else {
        data[r * W + c] = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
      }
    }
  }
  const gt = dem.geoTransform;
  return {
    width: W,
    height: H,
    data,
    nodata,
    geoTransform: [gt[0], gt[1] / factor, 0, gt[3], 0, gt[5] / factor],
    crs: dem.crs,
  };
}

// ------------------------------------------------------------------------------ internals

interface Axis {
  /** Outer edge of cell 0, degrees. */
  o: number;
  /** Signed step per cell, degrees. */
  s: number;
}

const axisX = (t: GridTier): Axis => ({ o: t.geoTransform[0], s: t.geoTransform[1] });
const axisY = (t: GridTier): Axis => ({ o: t.geoTransform[3], s: t.geoTransform[5] });

/** The index along `dst` of the cell holding the centre of cell `i` along `src`. */
function mapCentre(i: number, src: Axis, dst: Axis): number {
  return Math.floor((src.o + (i + 0.5) * src.s - dst.o) / dst.s);
}

/**
 * The cells [a, b) of `src` (of n) whose centres fall in cells [lo, hi) of `dst`. Both axes run
 * the same way, so the map is monotone: estimate, then step until the floor-based test agrees,
 * which keeps this consistent with cellAt to the last bit.
 */
function centreRange(src: Axis, n: number, dst: Axis, lo: number, hi: number): [number, number] {
  const first = (target: number): number => {
    let a = Math.ceil((dst.o + target * dst.s - src.o) / src.s - 0.5);
    a = Math.min(n, Math.max(0, a));
    while (a > 0 && mapCentre(a - 1, src, dst) >= target) a--;
    while (a < n && mapCentre(a, src, dst) < target) a++;
    return a;
  };
  const a = first(lo);
  return [a, Math.max(a, first(hi))];
}

/** The cells of `coarse` whose centres lie inside `finer`'s extent. */
function shadowOf(coarse: GridTier, finer: GridTier): CellRect {
  const [col0, col1] = centreRange(axisX(coarse), coarse.width, axisX(finer), 0, finer.width);
  const [row0, row1] = centreRange(axisY(coarse), coarse.height, axisY(finer), 0, finer.height);
  return { col0, col1, row0, row1 };
}

function rowAreas(t: GridTier): Float64Array {
  const gt = t.geoTransform;
  const out = new Float64Array(t.height);
  for (let r = 0; r < t.height; r++) {
    const k = metresPerDegree(gt[3] + (r + 0.5) * gt[5]);
    out[r] = Math.abs(gt[1] * gt[5]) * k.east * k.north;
  }
  return out;
}

function checkTier(t: GridTier): void {
  const gt = t.geoTransform;
  if (t.crs.kind !== 'geographic' || t.crs.epsg !== 4326) {
    throw new Error(
      `Coverage tier ${t.name} is in ${t.crs.kind} EPSG:${t.crs.epsg}; the coverage grid needs EPSG:4326`,
    );
  }
  if (gt[2] !== 0 || gt[4] !== 0 || !(gt[1] > 0) || !(gt[5] < 0)) {
    throw new Error(`Coverage tier ${t.name} is not north-up: geotransform [${gt.join(', ')}]`);
  }
  if (!(Number.isInteger(t.width) && t.width > 0 && Number.isInteger(t.height) && t.height > 0)) {
    throw new Error(`Coverage tier ${t.name} has ${t.width}×${t.height} cells`);
  }
}
