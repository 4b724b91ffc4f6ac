/**
 * Coverage gaps: clusters of demand no camera sees, ranked by demand, and the outlines of sets
 * of grid cells as GeoJSON polygons.
 *
 * A gap is a cluster of uncovered cells with demand > 0: two such cells of the same tier belong
 * to one cluster when they are at most `linkCells` cells apart on both axes (1: the 8-connected
 * neighbourhood, where any covered cell between them separates them; a larger link bridges
 * covered strips narrower than itself). Clusters are ranked by their demand.
 *
 * Outlines are the union of the cells' squares, traced exactly (no smoothing): every cell edge
 * between a cell of the set and one outside is a boundary edge; edges are chained into rings
 * with the set on the right, taking the right-hand turn where two set cells meet only at a
 * corner (so cells touching at a corner give separate rings), and a chain that passes a corner
 * twice (a hole touching the outline) is split there, so every ring is simple. Rings come out
 * as RFC 7946 wants them: outer rings counter-clockwise, holes clockwise, each hole in the
 * polygon of the 4-connected group of cells around it.
 */
import type { MultiPolygon, Position } from 'geojson';
import type { CoverageGrid } from './coverage-grid.js';
import { tierCell } from './coverage-grid.js';
import type { DemandLayer } from './coverage-stats.js';

export interface GapOptions {
  /** Largest gap, in cells on each axis, between two cells of one cluster. Default 1 (8-connected). */
  linkCells?: number;
  /** Only cells this test keeps (an area of interest); default all. */
  within?: (cell: number) => boolean;
  /** Clusters with less demand are dropped. Default: keep any with demand > 0. */
  minDemand?: number;
  /** Most clusters returned (the largest). Default all. */
  limit?: number;
}

export interface GapCluster {
  /** 1 for the cluster with most demand. */
  rank: number;
  tier: number;
  /** Its cells, ascending. */
  cells: Uint32Array;
  demand: number;
  areaM2: number;
  /** Demand-weighted centre, degrees [lon, lat]. */
  centroid: [number, number];
  /** [west, south, east, north] of its cells' outer edges, degrees. */
  bbox: [number, number, number, number];
}

/**
 * Clusters of uncovered demand, largest demand first (ties: more cells, then lower first cell).
 * O(demand cells · (2·linkCells + 1)²).
 */
export function gapClusters(
  grid: CoverageGrid,
  counts: Uint16Array,
  demand: DemandLayer,
  options: GapOptions = {},
): GapCluster[] {
  const link = options.linkCells ?? 1;
  if (!(Number.isInteger(link) && link >= 1 && link <= 50)) {
    throw new RangeError(`linkCells must be an integer in [1, 50], got ${link}`);
  }
  const within = options.within ?? (() => true);
  const idx = new Map<number, number>();
  const cells: number[] = [];
  const weights: number[] = [];
  for (let k = 0; k < demand.cells.length; k++) {
    const cell = demand.cells[k]!;
    if (counts[cell]! > 0 || !within(cell)) continue;
    idx.set(cell, cells.length);
    cells.push(cell);
    weights.push(demand.weights[k]!);
  }
  const label = new Int32Array(cells.length).fill(-1);
  const clusters: GapCluster[] = [];
  const stack: number[] = [];
  for (let s = 0; s < cells.length; s++) {
    if (label[s] !== -1) continue;
    const id = clusters.length;
    label[s] = id;
    stack.push(s);
    const members: number[] = [];
    const first = tierCell(grid, cells[s]!);
    const t = grid.tiers[first.tier]!;
    while (stack.length > 0) {
      const p = stack.pop()!;
      members.push(p);
      const local = cells[p]! - t.offset;
      const row = Math.floor(local / t.width);
      const col = local - row * t.width;
      for (let dr = -link; dr <= link; dr++) {
        const r = row + dr;
        if (r < 0 || r >= t.height) continue;
        for (let dc = -link; dc <= link; dc++) {
          const c = col + dc;
          if ((dr === 0 && dc === 0) || c < 0 || c >= t.width) continue;
          const q = idx.get(t.offset + r * t.width + c);
          if (q !== undefined && label[q] === -1) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    clusters.push(
      summarise(
        grid,
        first.tier,
        members.map((m) => cells[m]!),
        members.map((m) => weights[m]!),
      ),
    );
  }
  const min = options.minDemand ?? 0;
  const ranked = clusters
    .filter((c) => c.demand > 0 && c.demand >= min)
    .sort((a, b) => b.demand - a.demand || b.cells.length - a.cells.length || a.cells[0]! - b.cells[0]!);
  const kept = options.limit === undefined ? ranked : ranked.slice(0, options.limit);
  kept.forEach((c, i) => (c.rank = i + 1));
  return kept;
}

function summarise(grid: CoverageGrid, tier: number, cells: number[], weights: number[]): GapCluster {
  const t = grid.tiers[tier]!;
  const gt = t.geoTransform;
  let demand = 0;
  let area = 0;
  let sx = 0;
  let sy = 0;
  let c0 = Infinity;
  let c1 = -Infinity;
  let r0 = Infinity;
  let r1 = -Infinity;
  cells.forEach((cell, i) => {
    const local = cell - t.offset;
    const row = Math.floor(local / t.width);
    const col = local - row * t.width;
    const w = weights[i]!;
    demand += w;
    area += t.rowAreaM2[row]!;
    sx += w * (gt[0] + (col + 0.5) * gt[1]);
    sy += w * (gt[3] + (row + 0.5) * gt[5]);
    c0 = Math.min(c0, col);
    c1 = Math.max(c1, col + 1);
    r0 = Math.min(r0, row);
    r1 = Math.max(r1, row + 1);
  });
  return {
    rank: 0,
    tier,
    cells: Uint32Array.from(cells).sort(),
    demand,
    areaM2: area,
    centroid: [sx / demand, sy / demand],
    bbox: [gt[0] + c0 * gt[1], gt[3] + r1 * gt[5], gt[0] + c1 * gt[1], gt[3] + r0 * gt[5]],
  };
}

/**
 * The outline of a set of grid cells (any tiers) as MultiPolygon coordinates, degrees.
 * Collinear vertices are dropped; an empty set gives no polygons.
 * @example cellOutline(grid, [0, 1]) // one rectangle two cells wide
 */
export function cellOutline(grid: CoverageGrid, cells: ArrayLike<number>): MultiPolygon['coordinates'] {
  const byTier = new Map<number, number[]>();
  for (let i = 0; i < cells.length; i++) {
    const { tier, col, row } = tierCell(grid, cells[i]!);
    let list = byTier.get(tier);
    if (!list) byTier.set(tier, (list = []));
    list.push(row * grid.tiers[tier]!.width + col);
  }
  const out: MultiPolygon['coordinates'] = [];
  for (const [tier, locals] of [...byTier].sort((a, b) => a[0] - b[0])) {
    const t = grid.tiers[tier]!;
    for (const poly of traceCells(t.width, locals)) {
      out.push(
        poly.map((ring) =>
          ring.map(([i, j]): Position => [
            t.geoTransform[0] + i * t.geoTransform[1],
            t.geoTransform[3] + j * t.geoTransform[5],
          ]),
        ),
      );
    }
  }
  return out;
}

/**
 * Traces the union of cells of a raster `width` columns wide (local indices row·width + col) in
 * corner coordinates [col, row] (corner (i, j) is the top-left of cell (i, j)). Returns polygons
 * as closed rings, outer ring first, oriented as RFC 7946 wants once mapped to a north-up grid.
 */
export function traceCells(width: number, locals: readonly number[]): [number, number][][][] {
  const set = new Set(locals);
  if (set.size === 0) return [];
  const W1 = width + 1;
  const key = (i: number, j: number) => j * W1 + i;
  // Directed boundary edges, the set on the right when rows grow downward (screen orientation).
  const from: number[] = [];
  const to: number[] = [];
  const cellOf: number[] = [];
  const outgoing = new Map<number, number[]>();
  const addEdge = (a: number, b: number, cell: number) => {
    const e = from.length;
    from.push(a);
    to.push(b);
    cellOf.push(cell);
    const list = outgoing.get(a);
    if (list) list.push(e);
    else outgoing.set(a, [e]);
  };
  for (const cell of set) {
    const r = Math.floor(cell / width);
    const c = cell - r * width;
    const inSet = (cc: number, rr: number) => cc >= 0 && cc < width && rr >= 0 && set.has(rr * width + cc);
    if (!inSet(c, r - 1)) addEdge(key(c, r), key(c + 1, r), cell); // top, eastward
    if (!inSet(c + 1, r)) addEdge(key(c + 1, r), key(c + 1, r + 1), cell); // right, southward
    if (!inSet(c, r + 1)) addEdge(key(c + 1, r + 1), key(c, r + 1), cell); // bottom, westward
    if (!inSet(c - 1, r)) addEdge(key(c, r + 1), key(c, r), cell); // left, northward
  }

  const xy = (v: number): [number, number] => [v % W1, Math.floor(v / W1)];
  const used = new Uint8Array(from.length);
  const rings: { pts: [number, number][]; cell: number; outer: boolean }[] = [];
  for (let e0 = 0; e0 < from.length; e0++) {
    if (used[e0]) continue;
    const chain: number[] = [];
    let e = e0;
    for (;;) {
      used[e] = 1;
      chain.push(e);
      const options = outgoing.get(to[e]!)!;
      let next = options[0]!;
      if (options.length > 1) {
        // Two set cells meet only at this corner: take the right-hand turn, around the same cell.
        const [ax, ay] = xy(from[e]!);
        const [bx, by] = xy(to[e]!);
        next = options.find((o) => {
          const [cx, cy] = xy(to[o]!);
          return (bx - ax) * (cy - by) - (by - ay) * (cx - bx) > 0;
        })!;
      }
      if (used[next]) break;
      e = next;
    }
    // A chain that passes a corner twice (a hole touching the outline there) is split into
    // simple rings, as OGC Simple Features wants; each keeps the set on its right.
    for (const loop of splitAtRepeatedCorners(chain, from)) {
      const simple = dropCollinear(loop.map((k) => xy(from[k]!)));
      // Shoelace in corner space (y down): positive = clockwise on screen = an outer ring.
      let area = 0;
      for (let i = 0; i < simple.length; i++) {
        const [x0, y0] = simple[i]!;
        const [x1, y1] = simple[(i + 1) % simple.length]!;
        area += x0 * y1 - x1 * y0;
      }
      rings.push({ pts: simple, cell: cellOf[loop[0]!]!, outer: area > 0 });
    }
  }

  // Group rings by the 4-connected component of the cells beside them.
  const comp = components(width, set);
  const polys = new Map<number, { outer: [number, number][] | null; holes: [number, number][][] }>();
  for (const ring of rings) {
    const id = comp.get(ring.cell)!;
    let p = polys.get(id);
    if (!p) polys.set(id, (p = { outer: null, holes: [] }));
    // Rows run south, so a ring clockwise on screen is clockwise on the map too: reversed, outer
    // rings turn counter-clockwise and holes clockwise, as RFC 7946 wants.
    const closed = [...ring.pts].reverse();
    closed.push(closed[0]!);
    if (ring.outer) p.outer = closed;
    else p.holes.push(closed);
  }
  return [...polys.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => [p.outer!, ...p.holes]);
}

/** Splits a closed chain of edges wherever it returns to a corner it already left from. */
function splitAtRepeatedCorners(chain: readonly number[], from: readonly number[]): number[][] {
  const loops: number[][] = [];
  const stack: number[] = [];
  const at = new Map<number, number>();
  for (const e of chain) {
    const v = from[e]!;
    const i = at.get(v);
    if (i !== undefined) {
      const loop = stack.splice(i);
      for (const k of loop) at.delete(from[k]!);
      loops.push(loop);
    }
    at.set(v, stack.length);
    stack.push(e);
  }
  loops.push(stack);
  return loops;
}

function dropCollinear(pts: [number, number][]): [number, number][] {
  const n = pts.length;
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const a = pts[(i + n - 1) % n]!;
    const b = pts[i]!;
    const c = pts[(i + 1) % n]!;
    if ((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) !== 0) out.push(b);
  }
  return out;
}

/** 4-connected components of a cell set: cell → smallest cell of its component. */
function components(width: number, set: Set<number>): Map<number, number> {
  const comp = new Map<number, number>();
  const sorted = [...set].sort((a, b) => a - b);
  for (const start of sorted) {
    if (comp.has(start)) continue;
    comp.set(start, start);
    const stack = [start];
    while (stack.length) {
      const cell = stack.pop()!;
      const r = Math.floor(cell / width);
      const c = cell - r * width;
      const nb = [c > 0 ? cell - 1 : -1, c < width - 1 ? cell + 1 : -1, cell - width, cell + width];
      for (const n of nb) {
        if (n >= 0 && set.has(n) && !comp.has(n)) {
          comp.set(n, start);
          stack.push(n);
        }
      }
    }
  }
  return comp;
}
