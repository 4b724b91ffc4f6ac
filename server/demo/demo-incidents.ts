import { INCIDENT_CATEGORIES, type IncidentCategory, type LngLat } from '../domain/types.js';
import { KM_PER_DEG_LAT, kmPerDegLon } from './flat-earth.js';
import { CATEGORY_SHARES, PRIORITY_DISTRIBUTION, ROAD_SHARE, categoryIntensity } from './incident-rhythm.js';
import { landMaskFor, type LandMask, type ProvinceCollection } from './land-mask.js';
import { PLACES, placeSpreadKm, type Place } from './places.js';
import { createRng, pickWeighted, weightedSampler, type Rng } from './random.js';
import { ROADS, type Road } from './roads.js';

/**
 * A labelled spatio-temporal surge injected into the synthetic incidents: the ground truth that
 * surge-detection rules and the heatmap should reveal. Incidents of a surge are spread as a Gaussian
 * around `center` and uniformly in time over [startMs, endMs).
 */
export interface IncidentSurge {
  id: string;
  label: string;
  center: LngLat;
  /** Standard deviation of the spatial Gaussian, km. */
  spreadKm: number;
  startMs: number;
  endMs: number;
  /** Expected number of surge incidents over the whole window (on top of the background). */
  count: number;
  /** Category mix of the surge's incidents (need not sum to 1; normalised). */
  categoryShares: Partial<Record<IncidentCategory, number>>;
}

export interface DemoIncidentOptions {
  seed: number | string;
  /** End of the series, ms since epoch (exclusive): the series covers [endMs − days, endMs). */
  endMs: number;
  /** Length of the series, days. Default 365. */
  days?: number;
  /** Expected incidents over the whole series, surges included. Default 1,000,000 (shared/SCALE.md). */
  count?: number;
  /**
   * Emit only incidents at or after this instant. The series stays anchored at endMs − days and each
   * day has its own random stream, so a slice is exactly the tail of the full series (same ids too).
   */
  fromMs?: number;
  /** Default: defaultIncidentSurges(endMs, count). */
  surges?: readonly IncidentSurge[];
  places?: readonly Place[];
  roads?: readonly Road[];
}

/**
 * Synthetic incidents in columns (one entry per incident, sorted by time), ready to stream into COPY
 * without building an object per row.
 */
export interface IncidentColumns {
  length: number;
  /** Stable sequence number: day of the series × 1,000,000 + rank within the day. External id `SYN-INC-` + 10 digits. */
  serial: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  /** Occurrence instant, ms since epoch, whole seconds. */
  timeMs: Float64Array;
  /** Index into INCIDENT_CATEGORIES. */
  category: Uint8Array;
  /** 1 (highest) … 5. */
  priority: Uint8Array;
  /** Index into the places table, or −1 for an incident on a road or in a surge. */
  place: Int16Array;
  /** 0 for background, k + 1 for an incident of surges[k]. */
  surge: Uint8Array;
  /** The surges used, in the order `surge` refers to. */
  surges: readonly IncidentSurge[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MAINLAND_OFFSET_H = -5;
const PER_DAY_SPAN = 1_000_000;

/**
 * Generate `count` (expected) synthetic incidents over `days` days ending at `endMs`: Poisson counts
 * per hour following each category's daily, weekly and seasonal rhythm in local time (incident-rhythm.ts;
 * Galápagos places run on UTC−6), positions drawn from the place kernels (places.ts) or along main roads
 * and redrawn until inside the provinces, plus the labelled surges. Deterministic for a seed; fast
 * (columnar, ≈1 µs an incident).
 *
 * @example
 * const end = Date.parse('2025-06-01T05:00:00Z');
 * const cols = generateDemoIncidents({ provinces }, { seed: 911, endMs: end });
 * cols.length; // ≈ 1,000,000
 */
export function generateDemoIncidents(
  input: { provinces: ProvinceCollection },
  options: DemoIncidentOptions,
): IncidentColumns {
  const days = options.days ?? 365;
  const count = options.count ?? 1_000_000;
  // Whole seconds, so that every occurrence instant is too.
  const endMs = Math.floor(options.endMs / 1000) * 1000;
  if (!Number.isInteger(days) || days <= 0 || days > 4000) throw new RangeError(`Invalid days: ${days}`);
  if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`Invalid incident count: ${count}`);
  if (!Number.isFinite(endMs)) throw new RangeError(`Invalid endMs: ${options.endMs}`);
  const startMs = endMs - days * DAY_MS;
  const fromMs = Math.max(startMs, options.fromMs ?? startMs);
  const surges = options.surges ?? defaultIncidentSurges(endMs, count);
  if (surges.length > 254) throw new RangeError(`At most 254 surges, got ${surges.length}`);
  const places = options.places ?? PLACES;
  const land = landMaskFor(input.provinces);
  const seed = String(options.seed);

  const kernels = placeKernels(places, land);
  const roadSegments = segmentTable(options.roads ?? ROADS);
  const surgeKernels = surges.map((s) => surgeKernel(s, land));

  // Background: each category's expected total split over zones by place weight, then over hours
  // in proportion to its local-time intensity.
  const surgeTotal = surges.reduce((sum, s) => sum + s.count * overlapFraction(s, startMs, endMs), 0);
  const background = Math.max(0, count - surgeTotal);
  const hours = days * 24;
  const nc = INCIDENT_CATEGORIES.length;
  const lambda = kernels.zones.map((zone) => {
    const table = new Float64Array(hours * nc);
    for (let c = 0; c < nc; c++) {
      const expected = background * CATEGORY_SHARES[INCIDENT_CATEGORIES[c] as IncidentCategory] * zone.share;
      let total = 0;
      for (let h = 0; h < hours; h++) {
        const v = categoryIntensity(c, startMs + h * HOUR_MS + HOUR_MS / 2, zone.utcOffsetH);
        table[h * nc + c] = v;
        total += v;
      }
      for (let h = 0; h < hours; h++) table[h * nc + c] = ((table[h * nc + c] as number) * expected) / total;
    }
    return table;
  });
  const priorityCdf = INCIDENT_CATEGORIES.map((c) => PRIORITY_DISTRIBUTION[c]);
  const roadShare = Float64Array.from(INCIDENT_CATEGORIES, (c) => ROAD_SHARE[c]);
  const surgeCategoryWeights = surges.map((s) => INCIDENT_CATEGORIES.map((c) => s.categoryShares[c] ?? 0));
  const surgeCategoryTotals = surgeCategoryWeights.map((w) => w.reduce((a, b) => a + b, 0));
  surgeCategoryTotals.forEach((t, k) => {
    if (!(t > 0)) throw new RangeError(`Surge ${surges[k]?.id} has no category shares`);
  });

  const expectedOut = count * ((endMs - fromMs) / (endMs - startMs));
  const out = new ColumnBuilder(Math.ceil(expectedOut * 1.02 + 1024));
  const point = { lon: 0, lat: 0 };
  const weights = new Float64Array(nc);
  const firstDay = Math.floor((fromMs - startMs) / DAY_MS);

  for (let d = firstDay; d < days; d++) {
    const rng = createRng(`${seed}:incidents:day:${d}`);
    let rank = 0;
    for (let hd = 0; hd < 24; hd++) {
      const h = d * 24 + hd;
      const hourStart = startMs + h * HOUR_MS;
      const hourFirst = out.length;
      for (let z = 0; z < kernels.zones.length; z++) {
        const table = lambda[z] as Float64Array;
        const zone = kernels.zones[z] as Zone;
        let total = 0;
        for (let c = 0; c < nc; c++) {
          const v = table[h * nc + c] as number;
          weights[c] = v;
          total += v;
        }
        const n = rng.poisson(total);
        for (let i = 0; i < n; i++) {
          const c = pickWeighted(rng, weights, total);
          let placeIndex = -1;
          if (zone.mainland && roadSegments && rng.next() < (roadShare[c] as number)) {
            roadPoint(roadSegments, land, rng, point);
          } else {
            placeIndex = zone.places[zone.pick(rng)] as number;
            kernelPoint(kernels, placeIndex, land, rng, point);
          }
          out.push(
            point.lon,
            point.lat,
            hourStart + Math.floor(rng.next() * 3600) * 1000,
            c,
            drawPriority(rng, priorityCdf[c] as readonly number[]),
            placeIndex,
            0,
          );
        }
      }
      for (let k = 0; k < surges.length; k++) {
        const s = surges[k] as IncidentSurge;
        const a = Math.max(s.startMs, hourStart);
        const b = Math.min(s.endMs, hourStart + HOUR_MS);
        if (b <= a) continue;
        const n = rng.poisson((s.count * (b - a)) / (s.endMs - s.startMs));
        const sw = surgeCategoryWeights[k] as number[];
        for (let i = 0; i < n; i++) {
          const c = pickWeighted(rng, sw, surgeCategoryTotals[k] as number);
          surgePoint(surgeKernels[k] as SurgeKernel, land, rng, point);
          const t = Math.min(b - 1000, Math.floor((a + rng.next() * (b - a)) / 1000) * 1000);
          out.push(
            point.lon,
            point.lat,
            Math.max(a, t),
            c,
            drawPriority(rng, priorityCdf[c] as readonly number[]),
            -1,
            k + 1,
          );
        }
      }
      out.sortTail(hourFirst);
      for (let i = hourFirst; i < out.length; i++) {
        if (rank >= PER_DAY_SPAN) throw new RangeError(`More than ${PER_DAY_SPAN} incidents on day ${d}`);
        out.serial[i] = d * PER_DAY_SPAN + rank++;
      }
      out.dropBefore(hourFirst, fromMs);
    }
  }
  return out.finish(surges);
}

/**
 * The default surges, placed relative to `endMs` and scaled to `count` (sizes are for 1M a year):
 * - flood in the lower Guayas basin (Guayas / Los Ríos), 3 days starting 150 days before the end;
 * - ashfall from Tungurahua on Baños and Pelileo, 2 days starting 95 days before;
 * - wildfires in the Loja – Catamayo valley, 2 days starting 45 days before;
 * - a festival night in Quito's La Mariscal, 20:00–04:00 on the first Saturday at least 12 days before
 *   the end (inside a 30-day slice).
 * All are synthetic scenarios, not historical events.
 */
export function defaultIncidentSurges(endMs: number, count = 1_000_000): IncidentSurge[] {
  const scale = count / 1_000_000;
  const localMidnight = (ms: number): number => {
    const local = ms + MAINLAND_OFFSET_H * HOUR_MS;
    return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - MAINLAND_OFFSET_H * HOUR_MS;
  };
  const at = (daysBefore: number, localHour: number): number =>
    localMidnight(endMs - daysBefore * DAY_MS) + localHour * HOUR_MS;
  // First Saturday (local) on or after 12 days before the end.
  let saturday = localMidnight(endMs - 12 * DAY_MS);
  while (new Date(saturday + MAINLAND_OFFSET_H * HOUR_MS + HOUR_MS).getUTCDay() !== 6) saturday += DAY_MS;
  return [
    {
      id: 'flood-guayas-los-rios',
      label: 'Flooding in the lower Guayas basin (Guayas / Los Ríos), 3 days (synthetic scenario)',
      center: [-79.65, -1.85],
      spreadKm: 15,
      startMs: at(150, 6),
      endMs: at(147, 6),
      count: Math.round(2400 * scale),
      categoryShares: { natural_hazard: 0.55, medical: 0.25, traffic: 0.1, other: 0.1 },
    },
    {
      id: 'ashfall-banos',
      label: 'Ashfall from Tungurahua on Baños and Pelileo, 2 days (synthetic scenario)',
      center: [-78.47, -1.37],
      spreadKm: 5,
      startMs: at(95, 10),
      endMs: at(93, 10),
      count: Math.round(800 * scale),
      categoryShares: { natural_hazard: 0.6, medical: 0.3, traffic: 0.1 },
    },
    {
      id: 'wildfires-loja',
      label: 'Wildfires in the Loja – Catamayo valley, 2 days (synthetic scenario)',
      center: [-79.28, -3.99],
      spreadKm: 6,
      startMs: at(45, 12),
      endMs: at(43, 12),
      count: Math.round(600 * scale),
      categoryShares: { fire: 0.8, medical: 0.1, natural_hazard: 0.1 },
    },
    {
      id: 'festival-quito',
      label: 'Festival night in La Mariscal, Quito, 20:00–04:00 (synthetic scenario)',
      center: [-78.492, -0.203],
      spreadKm: 0.8,
      startMs: saturday + 20 * HOUR_MS,
      endMs: saturday + 28 * HOUR_MS,
      count: Math.round(600 * scale),
      categoryShares: { security: 0.7, medical: 0.15, traffic: 0.15 },
    },
  ];
}

/** The external id of row `i`: `SYN-INC-` and the 10-digit serial (stable between slice and full set). */
export function incidentExternalId(columns: IncidentColumns, i: number): string {
  return `SYN-INC-${String(columns.serial[i]).padStart(10, '0')}`;
}

// ---------------------------------------------------------------- internals

interface Zone {
  utcOffsetH: number;
  mainland: boolean;
  share: number;
  places: Int16Array;
  pick: (rng: Rng) => number;
}

interface Kernels {
  zones: Zone[];
  lon: Float64Array;
  lat: Float64Array;
  /** Spread converted to degrees. */
  sdLon: Float64Array;
  sdLat: Float64Array;
}

function placeKernels(places: readonly Place[], land: LandMask): Kernels {
  if (places.length === 0 || places.length > 32767)
    throw new RangeError(`Invalid number of places: ${places.length}`);
  const n = places.length;
  const k: Kernels = {
    zones: [],
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    sdLon: new Float64Array(n),
    sdLat: new Float64Array(n),
  };
  const totalWeight = places.reduce((s, p) => s + p.weight, 0);
  const offsets = [...new Set(places.map((p) => p.utcOffsetH))].sort((a, b) => b - a);
  places.forEach((place, i) => {
    if (!land.contains(place.lon, place.lat)) {
      throw new RangeError(`Place ${place.name} (${place.lon}, ${place.lat}) is outside the provinces`);
    }
    const [sx, sy] = placeSpreadKm(place);
    k.lon[i] = place.lon;
    k.lat[i] = place.lat;
    k.sdLon[i] = sx / kmPerDegLon(place.lat);
    k.sdLat[i] = sy / KM_PER_DEG_LAT;
  });
  for (const utcOffsetH of offsets) {
    const members = places.flatMap((p, i) => (p.utcOffsetH === utcOffsetH ? [i] : []));
    const weights = members.map((i) => (places[i] as Place).weight);
    k.zones.push({
      utcOffsetH,
      mainland: utcOffsetH === MAINLAND_OFFSET_H,
      share: weights.reduce((a, b) => a + b, 0) / totalWeight,
      places: Int16Array.from(members),
      pick: weightedSampler(weights),
    });
  }
  return k;
}

function kernelPoint(
  k: Kernels,
  i: number,
  land: LandMask,
  rng: Rng,
  out: { lon: number; lat: number },
): void {
  const lon0 = k.lon[i] as number;
  const lat0 = k.lat[i] as number;
  for (let attempt = 0; attempt < 32; attempt++) {
    const lon = lon0 + rng.normal(0, k.sdLon[i] as number);
    const lat = lat0 + rng.normal(0, k.sdLat[i] as number);
    if (land.contains(lon, lat)) {
      out.lon = round6(lon);
      out.lat = round6(lat);
      return;
    }
  }
  out.lon = lon0;
  out.lat = lat0;
}

interface Segments {
  coords: Float64Array; // x1, y1, x2, y2 per segment
  pick: (rng: Rng) => number;
}

function segmentTable(roads: readonly Road[]): Segments | null {
  const coords: number[] = [];
  const lengths: number[] = [];
  for (const road of roads) {
    for (let i = 0; i + 1 < road.path.length; i++) {
      const [x1, y1] = road.path[i] as LngLat;
      const [x2, y2] = road.path[i + 1] as LngLat;
      const len = Math.hypot((x2 - x1) * kmPerDegLon((y1 + y2) / 2), (y2 - y1) * KM_PER_DEG_LAT);
      if (len === 0) continue;
      coords.push(x1, y1, x2, y2);
      lengths.push(len);
    }
  }
  return lengths.length ? { coords: Float64Array.from(coords), pick: weightedSampler(lengths) } : null;
}

/** A point on a road segment (chosen by length), within ≈50 m of the line, on land. */
function roadPoint(s: Segments, land: LandMask, rng: Rng, out: { lon: number; lat: number }): void {
  for (;;) {
    const j = s.pick(rng) * 4;
    const f = rng.next();
    const x1 = s.coords[j] as number;
    const y1 = s.coords[j + 1] as number;
    const lon = x1 + ((s.coords[j + 2] as number) - x1) * f + rng.normal(0, 0.0004);
    const lat = y1 + ((s.coords[j + 3] as number) - y1) * f + rng.normal(0, 0.0004);
    if (land.contains(lon, lat)) {
      out.lon = round6(lon);
      out.lat = round6(lat);
      return;
    }
  }
}

interface SurgeKernel {
  lon: number;
  lat: number;
  sdLon: number;
  sdLat: number;
}

function surgeKernel(s: IncidentSurge, land: LandMask): SurgeKernel {
  if (!land.contains(s.center[0], s.center[1])) {
    throw new RangeError(`Surge ${s.id} centre (${s.center.join(', ')}) is outside the provinces`);
  }
  if (!(s.endMs > s.startMs))
    throw new RangeError(`Surge ${s.id} ends (${s.endMs}) before it starts (${s.startMs})`);
  if (!(s.spreadKm > 0)) throw new RangeError(`Surge ${s.id} has an invalid spreadKm: ${s.spreadKm}`);
  return {
    lon: s.center[0],
    lat: s.center[1],
    sdLon: s.spreadKm / kmPerDegLon(s.center[1]),
    sdLat: s.spreadKm / KM_PER_DEG_LAT,
  };
}

function surgePoint(k: SurgeKernel, land: LandMask, rng: Rng, out: { lon: number; lat: number }): void {
  for (let attempt = 0; attempt < 32; attempt++) {
    const lon = k.lon + rng.normal(0, k.sdLon);
    const lat = k.lat + rng.normal(0, k.sdLat);
    if (land.contains(lon, lat)) {
      out.lon = round6(lon);
      out.lat = round6(lat);
      return;
    }
  }
  out.lon = k.lon;
  out.lat = k.lat;
}

function overlapFraction(s: IncidentSurge, fromMs: number, toMs: number): number {
  const a = Math.max(s.startMs, fromMs);
  const b = Math.min(s.endMs, toMs);
  return b > a ? (b - a) / (s.endMs - s.startMs) : 0;
}

function drawPriority(rng: Rng, probabilities: readonly number[]): number {
  let u = rng.next();
  for (let p = 0; p < probabilities.length - 1; p++) {
    u -= probabilities[p] as number;
    if (u < 0) return p + 1;
  }
  return probabilities.length;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Growable columns; rows are appended per hour, then that hour's tail is sorted by time. */
class ColumnBuilder {
  length = 0;
  serial: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  timeMs: Float64Array;
  category: Uint8Array;
  priority: Uint8Array;
  place: Int16Array;
  surge: Uint8Array;
  private order = new Uint32Array(1024);

  constructor(capacity: number) {
    this.serial = new Float64Array(capacity);
    this.lon = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.timeMs = new Float64Array(capacity);
    this.category = new Uint8Array(capacity);
    this.priority = new Uint8Array(capacity);
    this.place = new Int16Array(capacity);
    this.surge = new Uint8Array(capacity);
  }

  push(
    lon: number,
    lat: number,
    timeMs: number,
    category: number,
    priority: number,
    place: number,
    surge: number,
  ): void {
    if (this.length === this.lon.length) this.grow();
    const i = this.length++;
    this.lon[i] = lon;
    this.lat[i] = lat;
    this.timeMs[i] = timeMs;
    this.category[i] = category;
    this.priority[i] = priority;
    this.place[i] = place;
    this.surge[i] = surge;
  }

  /** Sort rows [from, length) by time (stable: ties keep generation order). */
  sortTail(from: number): void {
    const n = this.length - from;
    if (n < 2) return;
    if (this.order.length < n) this.order = new Uint32Array(n * 2);
    const order = this.order.subarray(0, n);
    for (let i = 0; i < n; i++) order[i] = i;
    const t = this.timeMs;
    order.sort((a, b) => (t[from + a] as number) - (t[from + b] as number) || a - b);
    for (const column of [
      this.lon,
      this.lat,
      this.timeMs,
      this.category,
      this.priority,
      this.place,
      this.surge,
    ]) {
      const copy = column.slice(from, from + n);
      for (let i = 0; i < n; i++) column[from + i] = copy[order[i] as number] as number;
    }
  }

  /** Remove rows in [from, length) earlier than `minMs` (they are sorted, so a prefix). */
  dropBefore(from: number, minMs: number): void {
    let cut = from;
    while (cut < this.length && (this.timeMs[cut] as number) < minMs) cut++;
    if (cut === from) return;
    const n = this.length - cut;
    for (const column of [
      this.serial,
      this.lon,
      this.lat,
      this.timeMs,
      this.category,
      this.priority,
      this.place,
      this.surge,
    ]) {
      column.copyWithin(from, cut, cut + n);
    }
    this.length = from + n;
  }

  finish(surges: readonly IncidentSurge[]): IncidentColumns {
    const n = this.length;
    return {
      length: n,
      serial: this.serial.slice(0, n),
      lon: this.lon.slice(0, n),
      lat: this.lat.slice(0, n),
      timeMs: this.timeMs.slice(0, n),
      category: this.category.slice(0, n),
      priority: this.priority.slice(0, n),
      place: this.place.slice(0, n),
      surge: this.surge.slice(0, n),
      surges,
    };
  }

  private grow(): void {
    const capacity = Math.ceil(this.lon.length * 1.5) + 1024;
    const grow = <T extends Float64Array | Uint8Array | Int16Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.serial = grow(this.serial, (n) => new Float64Array(n));
    this.lon = grow(this.lon, (n) => new Float64Array(n));
    this.lat = grow(this.lat, (n) => new Float64Array(n));
    this.timeMs = grow(this.timeMs, (n) => new Float64Array(n));
    this.category = grow(this.category, (n) => new Uint8Array(n));
    this.priority = grow(this.priority, (n) => new Uint8Array(n));
    this.place = grow(this.place, (n) => new Int16Array(n));
    this.surge = grow(this.surge, (n) => new Uint8Array(n));
  }
}
