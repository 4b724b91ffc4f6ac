/**
 * What makes a privacy-mask polygon acceptable, checked before it reaches the database, each
 * complaint naming the coordinate path it is about (`features.0.geometry.coordinates.0.3`):
 *
 * - positions are [lon, lat] (a third value, a height, is allowed and ignored) of finite degrees
 *   with lon in [−180, 180] and lat in [−90, 90];
 * - rings have at least 4 positions, are closed, and are simple: no edge meets another except its
 *   neighbours at their shared vertex (a self-intersecting "bow tie" is refused, as are spikes that
 *   fold back on themselves), and the rings of one polygon do not meet each other;
 * - every vertex lies within MASK_LIMITS.maxDistanceM of the camera: no camera sees farther (the
 *   cameras table allows range_m ≤ 50 km), so anything beyond is a slip — swapped axes, another
 *   camera's mask, projected metres;
 * - each mask's area (spherical, @turf/area) is at least minAreaM2 and at most maxAreaKm2: a mask
 *   hides homes, a school yard, a clinic, not a district (set a camera offline to hide all it sees).
 *
 * Validity the checks above leave open (a hole outside its shell, parts of a MultiPolygon that
 * overlap) is checked by PostGIS ST_IsValid when the masks are stored (privacy-store.ts).
 */
import { area as turfArea } from '@turf/area';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { groundDistanceDeg } from '../coverage/ground-scale.js';
import type { LngLat } from '../domain/types.js';
import type { FieldIssue } from '../errors.js';

/** Limits on masks; see the file comment for why each exists. */
export const MASK_LIMITS = {
  /** Largest area of one mask, km². */
  maxAreaKm2: 25,
  /** Smallest area of one mask, m² (below it the polygon is a sliver or a slip). */
  minAreaM2: 1,
  /** Most vertices in one mask (the simplicity check is quadratic in them). */
  maxVertices: 2000,
  /** Farthest a vertex may lie from its camera, metres: the longest range a camera may have. */
  maxDistanceM: 50_000,
  /** Most masks one camera may have. */
  maxMasksPerCamera: 100,
} as const;

/** At most this many complaints per mask: one bad polygon should not produce thousands. */
const MAX_ISSUES = 10;

/**
 * The problems with one mask polygon, empty when it is acceptable.
 * @param field the path of the geometry in the request, e.g. `features.2.geometry`
 * @param camera the camera's position [lon, lat], degrees
 */
export function maskGeometryIssues(
  geometry: Polygon | MultiPolygon,
  field: string,
  camera: LngLat,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (f: string, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push({ field: f, message });
  };
  const polygons: { rings: Position[][]; path: string }[] =
    geometry.type === 'Polygon'
      ? [{ rings: geometry.coordinates, path: `${field}.coordinates` }]
      : geometry.coordinates.map((rings, p) => ({ rings, path: `${field}.coordinates.${p}` }));
  if (polygons.length === 0) add(`${field}.coordinates`, 'holds no polygon');

  let vertices = 0;
  for (const { rings } of polygons) for (const ring of rings) vertices += ring.length;
  if (vertices > MASK_LIMITS.maxVertices) {
    add(`${field}.coordinates`, `has ${vertices} positions; at most ${MASK_LIMITS.maxVertices}`);
    return issues;
  }

  // Positions first: the ring checks below need finite numbers.
  let positionsOk = true;
  for (const { rings, path } of polygons) {
    if (rings.length === 0) {
      add(path, 'is a polygon with no ring');
      positionsOk = false;
    }
    rings.forEach((ring, r) => {
      ring.forEach((pos, i) => {
        const problem = positionProblem(pos);
        if (problem) {
          add(`${path}.${r}.${i}`, problem);
          positionsOk = false;
          return;
        }
        const d = groundDistanceDeg(camera[0], camera[1], pos[0]!, pos[1]!);
        if (d > MASK_LIMITS.maxDistanceM) {
          add(
            `${path}.${r}.${i}`,
            `(${pos[0]}, ${pos[1]}) lies ${(d / 1000).toFixed(1)} km from the camera at (${camera[0]}, ${camera[1]}); ` +
              `a mask must lie within ${MASK_LIMITS.maxDistanceM / 1000} km of its camera`,
          );
          positionsOk = false;
        }
      });
    });
  }
  if (!positionsOk) return issues;

  for (const { rings, path } of polygons) {
    let ringsOk = true;
    rings.forEach((ring, r) => {
      const problem = ringProblem(ring);
      if (problem) {
        add(`${path}.${r}`, problem);
        ringsOk = false;
      }
    });
    if (!ringsOk) continue;
    for (let a = 0; a < rings.length; a++) {
      for (let b = a + 1; b < rings.length; b++) {
        const hit = ringsMeet(rings[a]!, rings[b]!);
        if (hit)
          add(`${path}.${b}`, `ring ${b} meets ring ${a} at (${hit[0]}, ${hit[1]}); rings may not touch`);
      }
    }
  }
  if (issues.length > 0) return issues;

  const areaM2 = maskAreaM2(geometry);
  if (!(areaM2 >= MASK_LIMITS.minAreaM2)) {
    add(`${field}`, `covers ${areaM2.toFixed(3)} m²; a mask must cover at least ${MASK_LIMITS.minAreaM2} m²`);
  } else if (areaM2 > MASK_LIMITS.maxAreaKm2 * 1e6) {
    add(
      `${field}`,
      `covers ${(areaM2 / 1e6).toFixed(2)} km²; a mask may cover at most ${MASK_LIMITS.maxAreaKm2} km² ` +
        '(to hide all a camera sees, set it offline)',
    );
  }
  return issues;
}

/** Area of a mask, m² (@turf/area: a sphere of radius 6,371,008.8 m, within ≈ 0.5 % of the ellipsoid). */
export function maskAreaM2(geometry: Polygon | MultiPolygon): number {
  return turfArea({ type: 'Feature', geometry, properties: {} });
}

// ------------------------------------------------------------------------------ internals

function positionProblem(pos: Position): string | null {
  if (!Array.isArray(pos) || pos.length < 2 || pos.length > 3) {
    return `must be [lon, lat], got ${JSON.stringify(pos)}`;
  }
  const [lon, lat] = pos as [number, number];
  if (!pos.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return `must hold finite numbers, got ${JSON.stringify(pos)}`;
  }
  if (lon < -180 || lon > 180) return `longitude ${lon} is outside [-180, 180]`;
  if (lat < -90 || lat > 90) return `latitude ${lat} is outside [-90, 90]`;
  return null;
}

function ringProblem(ring: Position[]): string | null {
  if (ring.length < 4) return `a ring needs at least 4 positions, got ${ring.length}`;
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return `a ring must end where it starts: (${first[0]}, ${first[1]}) ≠ (${last[0]}, ${last[1]})`;
  }
  // Consecutive repeats are harmless; drop them so zero-length edges do not look like crossings.
  const pts = dedupe(ring);
  if (pts.length < 4) return `a ring needs at least 3 distinct corners, got ${pts.length - 1}`;
  const n = pts.length - 1; // edges
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      const a0 = pts[i]!;
      const a1 = pts[i + 1]!;
      const b0 = pts[j]!;
      const b1 = pts[j + 1]!;
      if (adjacent) {
        // Neighbours share a vertex; they may not run back along each other (a spike).
        const shared = j === i + 1 ? a1 : a0;
        const other = j === i + 1 ? b1 : b0;
        const mine = j === i + 1 ? a0 : a1;
        if (orient(mine, shared, other) === 0 && dot(mine, shared, other) > 0) {
          return `crosses itself: edges ${i} and ${j} fold back along each other at (${shared[0]}, ${shared[1]})`;
        }
        continue;
      }
      const hit = segmentsMeet(a0, a1, b0, b1);
      if (hit) return `crosses itself: edge ${i} meets edge ${j} at (${hit[0]}, ${hit[1]})`;
    }
  }
  return null;
}

function ringsMeet(a: Position[], b: Position[]): Position | null {
  const pa = dedupe(a);
  const pb = dedupe(b);
  for (let i = 0; i + 1 < pa.length; i++) {
    for (let j = 0; j + 1 < pb.length; j++) {
      const hit = segmentsMeet(pa[i]!, pa[i + 1]!, pb[j]!, pb[j + 1]!);
      if (hit) return hit;
    }
  }
  return null;
}

function dedupe(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  return out;
}

/** Sign of the turn a → b → c: > 0 left, < 0 right, 0 collinear. */
function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** (a − b)·(c − b): > 0 when a and c lie on the same side of b along a line. */
function dot(a: Position, b: Position, c: Position): number {
  return (a[0]! - b[0]!) * (c[0]! - b[0]!) + (a[1]! - b[1]!) * (c[1]! - b[1]!);
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0]!, b[0]!) <= p[0]! &&
    p[0]! <= Math.max(a[0]!, b[0]!) &&
    Math.min(a[1]!, b[1]!) <= p[1]! &&
    p[1]! <= Math.max(a[1]!, b[1]!)
  );
}

/** A point where closed segments ab and cd meet (touching counts), or null. */
function segmentsMeet(a: Position, b: Position, c: Position, d: Position): Position | null {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) {
    if (o1 === 0) return c;
    if (o2 === 0) return d;
    if (o3 === 0) return a;
    if (o4 === 0) return b;
    const den = (b[0]! - a[0]!) * (d[1]! - c[1]!) - (b[1]! - a[1]!) * (d[0]! - c[0]!);
    const t = ((c[0]! - a[0]!) * (d[1]! - c[1]!) - (c[1]! - a[1]!) * (d[0]! - c[0]!)) / den;
    return [round(a[0]! + t * (b[0]! - a[0]!)), round(a[1]! + t * (b[1]! - a[1]!))];
  }
  if (o1 === 0 && onSegment(a, b, c)) return c;
  if (o2 === 0 && onSegment(a, b, d)) return d;
  if (o3 === 0 && onSegment(c, d, a)) return a;
  if (o4 === 0 && onSegment(c, d, b)) return b;
  return null;
}

function round(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
