/**
 * Privacy masks on the coverage grid: a mask polygon becomes the sorted list of grid cells it
 * touches, and a camera's footprint loses those cells before anything counts or draws it.
 *
 * A cell is masked when the polygon covers any part of its area (like GDAL rasterize's
 * ALL_TOUCHED, not the centre rule the zones use): a mask is a promise that the camera's view of
 * that ground is shown nowhere, so a cell half inside must go. Cells are found in two passes per
 * tier:
 * - cells whose centre lies inside the polygon (even–odd scanline, holes are holes), and
 * - cells whose open interior a ring edge passes through (a supercover walk, row by row).
 * A cell whose area meets the polygon's but whose centre lies outside has the boundary crossing
 * its interior, so the two passes together are exactly those cells; an edge running along a cell
 * side or through a corner masks nothing beyond it. Each tier masks its own owned cells; a masked
 * coarse cell that a finer tier shadows without holding all of it (the seam strip, see
 * coverage-grid.ts) hands over every finer cell inside it (expandToOwned), erring towards masking.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { CoverageGrid } from '../coverage/coverage-grid.js';
import { expandToOwned, shadowSpans } from '../coverage/coverage-grid.js';
import type { Footprint } from '../coverage/network-coverage.js';

/**
 * The owned coverage-grid cells a polygon touches, ascending, no repeats.
 * @param geometry a Polygon or MultiPolygon in degrees (EPSG:4326), rings closed
 * @example maskCells(grid, { type: 'Polygon', coordinates: [[[-78.5, -0.2], [-78.4, -0.2], [-78.4, -0.1], [-78.5, -0.2]]] })
 */
export function maskCells(grid: CoverageGrid, geometry: Polygon | MultiPolygon): Uint32Array {
  const edges = edgesOf(geometry);
  if (edges.length === 0) return new Uint32Array(0);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const e of edges) {
    xMin = Math.min(xMin, e.x0, e.x1);
    xMax = Math.max(xMax, e.x0, e.x1);
    yMin = Math.min(yMin, e.y0, e.y1);
    yMax = Math.max(yMax, e.y0, e.y1);
  }
  const out: number[] = [];
  const expanded: number[] = [];
  grid.tiers.forEach((t, k) => {
    const gt = t.geoTransform;
    // Fractional column and row of a point: u grows east, v grows south (gt[5] < 0).
    // Within 10⁻⁹ cell of a cell line counts as on it: a polygon drawn on the grid's lines in
    // decimal degrees (−78 + 20/1200 is not exact in binary) masks what it was drawn over.
    const u = (x: number) => snap((x - gt[0]) / gt[1]);
    const v = (y: number) => snap((y - gt[3]) / gt[5]);
    if (u(xMax) < 0 || u(xMin) >= t.width || v(yMin) < 0 || v(yMax) >= t.height) return;
    const rowA = clamp(Math.floor(v(yMax)), 0, t.height - 1);
    const rowB = clamp(Math.floor(v(yMin)), 0, t.height - 1);
    // Column spans [c0, c1] (inclusive) masked on each row of the polygon's span.
    const spans: [number, number][][] = Array.from({ length: rowB - rowA + 1 }, () => []);
    const mark = (row: number, c0: number, c1: number) => {
      if (row < rowA || row > rowB) return;
      const a = Math.max(c0, 0);
      const b = Math.min(c1, t.width - 1);
      if (b >= a) spans[row - rowA]!.push([a, b]);
    };
    // Pass 1: cells whose centre is inside.
    const xs: number[] = [];
    for (let r = rowA; r <= rowB; r++) {
      const y = gt[3] + (r + 0.5) * gt[5];
      xs.length = 0;
      for (const e of edges) {
        // Half-open in y so a vertex on the scanline is counted once.
        if (e.y0 <= y !== e.y1 <= y) xs.push(e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0));
      }
      xs.sort((a, b) => a - b);
      for (let p = 0; p + 1 < xs.length; p += 2) {
        // Centres in [xs[p], xs[p+1]): columns ceil(u − ½) … ceil(u′ − ½) − 1.
        mark(r, Math.ceil(u(xs[p]!) - 0.5), Math.ceil(u(xs[p + 1]!) - 0.5) - 1);
      }
    }
    // Pass 2: cells whose open interior an edge passes through, row band by row band. An edge
    // running exactly along a cell side or through a corner does not mask the cell beyond it.
    for (const e of edges) {
      const u0 = u(e.x0);
      const u1 = u(e.x1);
      const v0 = v(e.y0);
      const v1 = v(e.y1);
      const vLo = Math.min(v0, v1);
      const vHi = Math.max(v0, v1);
      if (vLo === vHi) {
        // Along a row: inside a band unless it lies on a row line.
        if (Number.isInteger(vLo)) continue;
        const lo = Math.min(u0, u1);
        const hi = Math.max(u0, u1);
        mark(Math.floor(vLo), Math.floor(lo), Math.ceil(hi) - 1);
        continue;
      }
      for (let r = Math.max(Math.floor(vLo), rowA); r <= Math.min(Math.ceil(vHi) - 1, rowB); r++) {
        // The part of the edge with r ≤ v ≤ r + 1.
        const ta = clamp((r - v0) / (v1 - v0), 0, 1);
        const tb = clamp((r + 1 - v0) / (v1 - v0), 0, 1);
        const ua = u0 + ta * (u1 - u0);
        const ub = u0 + tb * (u1 - u0);
        const lo = Math.min(ua, ub);
        const hi = Math.max(ua, ub);
        if (lo < hi) mark(r, Math.floor(lo), Math.ceil(hi) - 1);
        else if (!Number.isInteger(lo)) mark(r, Math.floor(lo), Math.floor(lo));
      }
    }
    for (let i = 0; i < spans.length; i++) {
      const row = rowA + i;
      const merged = mergeSpans(spans[i]!);
      if (merged.length === 0) continue;
      const shadow = shadowSpans(grid, k, row);
      const base = t.offset + row * t.width;
      for (const [c0, c1] of merged) {
        for (let c = c0; c <= c1; c++) {
          if (shadow.length > 0 && shadow.some(([a, b]) => c >= a && c < b)) {
            // A finer tier owns this ground and masked it on its own grid; only a cell on the
            // seam, partly outside every finer tier, hands its finer cells over whole.
            if (withinFinerTier(grid, k, c, row)) continue;
            expanded.length = 0;
            expandToOwned(grid, k, c, row, expanded);
            for (const cell of expanded) out.push(cell);
          } else {
            out.push(base + c);
          }
        }
      }
    }
  });
  return sortedUnique(out);
}

/**
 * A footprint without the masked cells (and their DORI classes). The same object comes back when
 * the mask takes nothing from it, so callers comparing footprints by identity see no change.
 * @param mask masked cells, ascending (maskCells, unionOfCells)
 */
export function applyMask(footprint: Footprint, mask: Uint32Array): Footprint {
  if (mask.length === 0 || footprint.cells.length === 0) return footprint;
  const keep = new Uint8Array(footprint.cells.length);
  let kept = 0;
  let j = 0;
  for (let i = 0; i < footprint.cells.length; i++) {
    const cell = footprint.cells[i]!;
    while (j < mask.length && mask[j]! < cell) j++;
    if (j < mask.length && mask[j] === cell) continue;
    keep[i] = 1;
    kept++;
  }
  if (kept === footprint.cells.length) return footprint;
  const cells = new Uint32Array(kept);
  const dori = new Uint8Array(kept);
  let n = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    cells[n] = footprint.cells[i]!;
    dori[n++] = footprint.dori[i]!;
  }
  return { ...footprint, cells, dori };
}

/** The union of sorted cell lists, ascending, no repeats. */
export function unionOfCells(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return new Uint32Array(0);
  if (lists.length === 1) return lists[0]!;
  const all: number[] = [];
  for (const l of lists) for (const c of l) all.push(c);
  return sortedUnique(all);
}

/** Whether a sorted cell list holds a cell (binary search). */
export function hasCell(sorted: Uint32Array, cell: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === cell) return true;
    if (v < cell) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The cells of a sorted list that are not in a sorted mask. */
export function withoutCells(cells: Uint32Array, mask: Uint32Array): Uint32Array {
  if (mask.length === 0) return cells;
  const out: number[] = [];
  let j = 0;
  for (const cell of cells) {
    while (j < mask.length && mask[j]! < cell) j++;
    if (j < mask.length && mask[j] === cell) continue;
    out.push(cell);
  }
  return out.length === cells.length ? cells : Uint32Array.from(out);
}

// ------------------------------------------------------------------------------ internals

interface Edge {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function edgesOf(geometry: Polygon | MultiPolygon): Edge[] {
  const polygons: Position[][][] =
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const edges: Edge[] = [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i]!;
        const b = ring[i + 1]!;
        if (a[0] === b[0] && a[1] === b[1]) continue;
        edges.push({ x0: a[0]!, y0: a[1]!, x1: b[0]!, y1: b[1]! });
      }
    }
  }
  return edges;
}

/** Whether a tier's cell lies wholly inside the extent of a finer tier. */
function withinFinerTier(grid: CoverageGrid, tier: number, col: number, row: number): boolean {
  const gt = grid.tiers[tier]!.geoTransform;
  const w = gt[0] + col * gt[1];
  const e = w + gt[1];
  const n = gt[3] + row * gt[5];
  const s = n + gt[5];
  for (let j = 0; j < tier; j++) {
    const f = grid.tiers[j]!;
    const fg = f.geoTransform;
    if (w >= fg[0] && e <= fg[0] + f.width * fg[1] && n <= fg[3] && s >= fg[3] + f.height * fg[5])
      return true;
  }
  return false;
}

function mergeSpans(spans: [number, number][]): [number, number][] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [[spans[0]![0], spans[0]![1]]];
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = spans[i]!;
    const last = merged[merged.length - 1]!;
    if (a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

function sortedUnique(values: number[]): Uint32Array {
  const sorted = Uint32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i]!;
  }
  return sorted.slice(0, n);
}

function snap(w: number): number {
  const n = Math.round(w);
  return Math.abs(w - n) < 1e-9 ? n : w;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
