/**
 * Builds Atalaya's offline basemap: land, coastline and country borders around Ecuador as small
 * GeoJSON files in tiles/basemap/, so the map never asks the internet for a basemap.
 *
 * Source: Natural Earth 1:10m admin-0 countries and land, as packaged by world-atlas
 * (node_modules/world-atlas/countries-10m.json, TopoJSON quantised to about 400 m × 190 m).
 * The arcs are simplified once, in the topology, so land fill, coastline and borders stay
 * consistent with each other; then each layer is clipped to BASEMAP_BOX.
 *
 * Run: npm run build-basemap
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';

type Box = [west: number, south: number, east: number, north: number];

/**
 * The area the basemap covers, degrees [west, south, east, north]: Ecuador, the Galápagos and enough
 * of Colombia, Peru and the Pacific that the map never shows an empty edge at the zooms it allows.
 * The client's maxBounds matches it (client/map/basemap-extent.ts).
 */
export const BASEMAP_BOX: Box = [-96, -12, -66, 8];

/** Douglas–Peucker tolerance in degrees (~280 m at the equator, below one source quantisation step in longitude). */
const SIMPLIFY_TOLERANCE_DEG = 0.0025;

/** Output precision: 4 decimals ≈ 11 m, finer than the source's quantisation. */
const DECIMALS = 4;

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** Runs the whole build and returns the written files with their sizes in bytes. */
export function buildBasemap(outDir = join(root, 'tiles', 'basemap')): { file: string; bytes: number }[] {
  const source = join(root, 'node_modules', 'world-atlas', 'countries-10m.json');
  const topology = JSON.parse(readFileSync(source, 'utf8')) as Topology;
  const simplified = simplifyTopology(topology, SIMPLIFY_TOLERANCE_DEG);
  const countries = simplified.objects['countries'] as GeometryCollection;
  const landObject = simplified.objects['land'] as GeometryCollection;

  const landGeometry = feature(simplified, landObject) as unknown as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const land = clipPolygons(landGeometry, BASEMAP_BOX);
  const coastline = clipLines(mesh(simplified, landObject), BASEMAP_BOX);
  const borders = clipLines(
    mesh(simplified, countries, (a, b) => a !== b),
    BASEMAP_BOX,
  );

  mkdirSync(outDir, { recursive: true });
  const outputs: [string, FeatureCollection][] = [
    ['land.geojson', collection([{ type: 'Feature', properties: { kind: 'land' }, geometry: land }])],
    [
      'coastline.geojson',
      collection([{ type: 'Feature', properties: { kind: 'coastline' }, geometry: coastline }]),
    ],
    [
      'borders.geojson',
      collection([{ type: 'Feature', properties: { kind: 'country-border' }, geometry: borders }]),
    ],
  ];
  return outputs.map(([name, fc]) => {
    const text = JSON.stringify(fc, (_key, value: unknown) =>
      typeof value === 'number' ? Number(value.toFixed(DECIMALS)) : value,
    );
    const file = join(outDir, name);
    writeFileSync(file, text + '\n');
    return { file, bytes: Buffer.byteLength(text) + 1 };
  });
}

function collection(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

/**
 * Decodes a quantised topology's arcs to absolute degrees and simplifies each arc with
 * Douglas–Peucker, keeping its end points so that arcs still meet where they met.
 */
export function simplifyTopology(topology: Topology, toleranceDeg: number): Topology {
  const transform = topology.transform;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    const absolute: Position[] = arc.map((p) => {
      const px = p[0] ?? 0;
      const py = p[1] ?? 0;
      if (!transform) return [px, py];
      x += px;
      y += py;
      return [
        x * transform.scale[0] + transform.translate[0],
        y * transform.scale[1] + transform.translate[1],
      ];
    });
    return simplifyLine(absolute, toleranceDeg);
  });
  const { transform: _dropped, ...rest } = topology;
  void _dropped;
  return { ...rest, arcs } as Topology;
}

/**
 * Douglas–Peucker simplification of a polyline (planar, in degrees). The end points are kept; a
 * closed arc is split at its farthest point first so that it does not collapse to its start.
 */
export function simplifyLine(points: Position[], tolerance: number): Position[] {
  if (points.length <= 2) return points;
  const first = points[0] as Position;
  const last = points[points.length - 1] as Position;
  if (first[0] === last[0] && first[1] === last[1]) {
    let far = 1;
    let farDist = -1;
    for (let i = 1; i < points.length - 1; i++) {
      const d = Math.hypot((points[i] as Position)[0]! - first[0]!, (points[i] as Position)[1]! - first[1]!);
      if (d > farDist) {
        farDist = d;
        far = i;
      }
    }
    const a = simplifyLine(points.slice(0, far + 1), tolerance);
    const b = simplifyLine(points.slice(far), tolerance);
    return [...a, ...b.slice(1)];
  }
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [start, end] = stack.pop() as [number, number];
    let index = -1;
    let max = tolerance;
    for (let i = start + 1; i < end; i++) {
      const d = segmentDistance(points[i] as Position, points[start] as Position, points[end] as Position);
      if (d > max) {
        max = d;
        index = i;
      }
    }
    if (index !== -1) {
      keep[index] = 1;
      stack.push([start, index], [index, end]);
    }
  }
  return points.filter((_p, i) => keep[i] === 1);
}

function segmentDistance(p: Position, a: Position, b: Position): number {
  const [px, py] = p as [number, number];
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Clips (multi)polygons to a box with Sutherland–Hodgman, ring by ring. Concave rings can leave
 * zero-width slivers along the box edge; they do not show in a fill and are never stroked (the
 * coastline is a separate layer).
 */
export function clipPolygons(fc: FeatureCollection<Polygon | MultiPolygon>, box: Box): MultiPolygon {
  const polygons: Position[][][] = [];
  for (const f of fc.features) {
    const parts = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of parts) {
      const outer = rings[0];
      if (!outer || !intersects(ringBox(outer), box)) continue;
      const [clippedOuter, ...holes] = rings.map((ring) => clipRing(ring, box));
      if (!clippedOuter || clippedOuter.length < 4 || Math.abs(ringArea(clippedOuter)) < 1e-6) continue;
      polygons.push([clippedOuter, ...holes.filter((h) => h.length >= 4)]);
    }
  }
  return { type: 'MultiPolygon', coordinates: polygons };
}

function clipRing(ring: Position[], [west, south, east, north]: Box): Position[] {
  const edges: [(p: Position) => boolean, (a: Position, b: Position) => Position][] = [
    [(p) => p[0]! >= west, (a, b) => atX(a, b, west)],
    [(p) => p[0]! <= east, (a, b) => atX(a, b, east)],
    [(p) => p[1]! >= south, (a, b) => atY(a, b, south)],
    [(p) => p[1]! <= north, (a, b) => atY(a, b, north)],
  ];
  let output = ring.slice(0, -1);
  for (const [inside, cut] of edges) {
    const input = output;
    output = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i] as Position;
      const previous = input[(i + input.length - 1) % input.length] as Position;
      if (inside(current)) {
        if (!inside(previous)) output.push(cut(previous, current));
        output.push(current);
      } else if (inside(previous)) {
        output.push(cut(previous, current));
      }
    }
    if (output.length === 0) return [];
  }
  return [...output, output[0] as Position];
}

function atX(a: Position, b: Position, x: number): Position {
  const t = (x - a[0]!) / (b[0]! - a[0]!);
  return [x, a[1]! + t * (b[1]! - a[1]!)];
}

function atY(a: Position, b: Position, y: number): Position {
  const t = (y - a[1]!) / (b[1]! - a[1]!);
  return [a[0]! + t * (b[0]! - a[0]!), y];
}

/** Clips (multi)lines to a box (Liang–Barsky per segment), joining the pieces that stay connected. */
export function clipLines(lines: MultiLineString, box: Box): MultiLineString {
  const out: Position[][] = [];
  for (const line of lines.coordinates) {
    let current: Position[] = [];
    for (let i = 1; i < line.length; i++) {
      const piece = clipSegment(line[i - 1] as Position, line[i] as Position, box);
      if (!piece) {
        if (current.length >= 2) out.push(current);
        current = [];
        continue;
      }
      const [a, b] = piece;
      const tail = current[current.length - 1];
      if (tail && tail[0] === a[0] && tail[1] === a[1]) {
        current.push(b);
      } else {
        if (current.length >= 2) out.push(current);
        current = [a, b];
      }
    }
    if (current.length >= 2) out.push(current);
  }
  return { type: 'MultiLineString', coordinates: out };
}

function clipSegment(a: Position, b: Position, [west, south, east, north]: Box): [Position, Position] | null {
  const [x0, y0] = a as [number, number];
  const dx = b[0]! - x0;
  const dy = b[1]! - y0;
  let t0 = 0;
  let t1 = 1;
  const checks: [number, number][] = [
    [-dx, x0 - west],
    [dx, east - x0],
    [-dy, y0 - south],
    [dy, north - y0],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return null;
        t0 = Math.max(t0, r);
      } else {
        if (r < t0) return null;
        t1 = Math.min(t1, r);
      }
    }
  }
  const start: Position = t0 === 0 ? a : [x0 + t0 * dx, y0 + t0 * dy];
  const end: Position = t1 === 1 ? b : [x0 + t1 * dx, y0 + t1 * dy];
  return [start, end];
}

function ringBox(ring: Position[]): Box {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const [x, y] of ring as [number, number][]) {
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
  }
  return [west, south, east, north];
}

function intersects(a: Box, b: Box): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** Shoelace area in square degrees; only its size is used, to drop rings that clipped to nothing. */
function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1] as Position;
    const b = ring[i] as Position;
    sum += a[0]! * b[1]! - b[0]! * a[1]!;
  }
  return sum / 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = buildBasemap();
  let total = 0;
  for (const { file, bytes } of written) {
    total += bytes;
    console.log(`${file}  ${(bytes / 1024).toFixed(1)} KiB`);
  }
  console.log(`total ${(total / 1024).toFixed(1)} KiB (budget 2048 KiB)`);
  if (total > 2 * 1024 * 1024) throw new Error(`basemap is ${total} bytes, over the 2 MiB budget`);
}
