import type { Camera, CameraKind, CameraStatus, LngLat, Volcano } from '../domain/types.js';
import { bearingDeg, destinationLngLat, distanceKm, offsetLngLat } from './flat-earth.js';
import { landMaskFor, type LandMask, type ProvinceCollection } from './land-mask.js';
import { PLACES, placeSpreadKm, type Place } from './places.js';
import { createRng, weightedSampler, type Rng } from './random.js';
import { ROADS, pointAlongRoad, roadLengthKm, type Road } from './roads.js';

/**
 * Unit prices, US dollars. The dome is the one real figure: ECU 911's 2016 purchase of 225 Huawei
 * IPC6625-Z30 domes at $3,516.80 each (shared/SCALE.md). The others are ATALAYA'S ASSUMPTIONS for
 * the demo: a 2 MP fixed bullet ≈ $1,250, a long-zoom road PTZ ≈ $6,800, and an observatory thermal
 * station (uncooled 640×512 core with a long lens, pan-tilt housing, mast, solar power and radio link)
 * ≈ $48,000.
 */
export const DEMO_UNIT_COST_USD: Readonly<Record<CameraKind, number>> = {
  dome: 3516.8,
  fixed: 1250,
  ptz: 6800,
  thermal: 48000,
};

export interface DemoCameraInput {
  /** data/provinces.geojson: every camera lies inside one of its polygons. */
  provinces: ProvinceCollection;
  /** data/volcanoes.csv as domain objects; the monitored ones get thermal cameras. */
  volcanoes: readonly Volcano[];
  /**
   * Ground elevation in metres at a point, when a DEM is at hand (e.g. data/dem): used for the tilt of
   * thermal cameras. Without it the site is assumed to lie below the summit by a generic flank slope.
   */
  elevationAt?: (lon: number, lat: number) => number | null;
}

export interface DemoCameraOptions {
  seed: number | string;
  /** Reference instant (ms since epoch): install dates fall before it. */
  endMs: number;
  /** Total number of cameras, thermal ones included. Default 4,500 (shared/SCALE.md). */
  count?: number;
  /** Share of the non-thermal cameras placed along main roads; the rest go to towns. Default 0.12. */
  roadShare?: number;
  places?: readonly Place[];
  roads?: readonly Road[];
}

/**
 * Volcanoes that carry thermal cameras in the demo: an eruption since 1900 and a summit above sea level
 * (data/README.md's default). From data/volcanoes.csv that is 14: Chiles-Cerro Negro, Reventador,
 * Guagua Pichincha, Cotopaxi, Tungurahua, Sangay and the Galápagos shields Fernandina, Wolf, Alcedo,
 * Sierra Negra, Cerro Azul, Pinta, Marchena and Santiago.
 */
export function selectMonitoredVolcanoes(volcanoes: readonly Volcano[]): Volcano[] {
  return volcanoes.filter(
    (v) => v.lastEruptionYear !== null && v.lastEruptionYear >= 1900 && v.elevationM > 0,
  );
}

/**
 * How many thermal cameras watch a volcano: 3 on the mainland and 2 in the Galápagos (where
 * access and power are harder), one more if it erupted in 2015 or later. Gives 2–4, 41 in all.
 */
export function thermalCameraCount(volcano: Volcano): number {
  const mainland = volcano.position[0] > -85;
  return (mainland ? 3 : 2) + ((volcano.lastEruptionYear ?? 0) >= 2015 ? 1 : 0);
}

/**
 * Generate the synthetic camera network: thermal cameras on every monitored volcano, fixed and PTZ
 * cameras along main roads, and domes, PTZs and fixed cameras clustered in towns in proportion to the
 * assumed place weights (places.ts). Deterministic for a given seed and inputs; no clock is read.
 * External ids are `SYN-CAM-000001`…, thermal cameras first, so their ids do not depend on `count`.
 *
 * Camera figures (assumptions, labelled synthetic):
 * - town: dome 60 % (6–10 m pole, 360°, 150–400 m), PTZ 15 % (8–12 m pole or 15–30 m tower, 360°,
 *   250–400 m), fixed 25 % (4–8 m, 55–95°, 100–250 m); 1920×1080 or 2560×1440.
 * - road: fixed 65 % aimed along the road (6–10 m, 30–60°, 200–500 m), PTZ 35 % on 15–30 m towers
 *   (360°, 1–2 km).
 * - thermal: 640×512, on a 3–6 m mast 5–15 km from the summit, aimed at it, lens chosen to frame
 *   ≈3 km around the crater, range 15–25 km and always beyond the summit.
 * - status: 94.5 % online, 3 % offline, 2.5 % maintenance (thermal ones all online).
 *
 * @example
 * const cameras = generateDemoCameras({ provinces, volcanoes }, { seed: 911, endMs: Date.parse('2025-06-01T00:00:00Z') });
 */
export function generateDemoCameras(input: DemoCameraInput, options: DemoCameraOptions): Camera[] {
  const count = options.count ?? 4500;
  const roadShare = options.roadShare ?? 0.12;
  const places = options.places ?? PLACES;
  const roads = options.roads ?? ROADS;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Invalid camera count: ${count}`);
  if (!(roadShare >= 0 && roadShare <= 1)) throw new RangeError(`Invalid roadShare: ${roadShare}`);
  if (!Number.isFinite(options.endMs)) throw new RangeError(`Invalid endMs: ${options.endMs}`);
  const land = landMaskFor(input.provinces);
  const seed = String(options.seed);

  const thermal = thermalCameras(input, land, createRng(`${seed}:cameras:thermal`), options.endMs);
  if (thermal.length > count) {
    throw new RangeError(`count ${count} is below the ${thermal.length} thermal cameras the volcanoes need`);
  }
  const roadCount = Math.round((count - thermal.length) * roadShare);
  const cityCount = count - thermal.length - roadCount;
  const road = roadCameras(roads, roadCount, land, createRng(`${seed}:cameras:road`), options.endMs);
  const city = cityCameras(places, cityCount, land, createRng(`${seed}:cameras:city`), options.endMs);

  return [...thermal, ...road, ...city].map((draft, i) => ({
    ...draft,
    externalId: `SYN-CAM-${String(i + 1).padStart(6, '0')}`,
    name: `${draft.name} (synthetic)`,
  }));
}

type Draft = Omit<Camera, 'externalId'>;

// Typical uncooled 640×512, 17 µm lenses: [focal mm, hfov°, vfov°].
const THERMAL_LENSES: readonly [number, number, number][] = [
  [13, 45.4, 37.1],
  [25, 24.6, 19.8],
  [35, 17.7, 14.2],
  [50, 12.4, 9.9],
];

// Generic drop of the ground per km from the summit when no DEM is given: steep Andean
// stratovolcanoes vs the low Galápagos shields. An assumption for the tilt only.
const FLANK_DROP_M_PER_KM = { mainland: 200, galapagos: 60 };

function thermalCameras(input: DemoCameraInput, land: LandMask, rng: Rng, endMs: number): Draft[] {
  const out: Draft[] = [];
  for (const volcano of selectMonitoredVolcanoes(input.volcanoes)) {
    const n = thermalCameraCount(volcano);
    const summit = volcano.position;
    const base = rng.uniform(0, 360);
    const sites: LngLat[] = [];
    const elevationAt = input.elevationAt;
    const sees = elevationAt
      ? (site: LngLat) => seesSummit(site, summit, volcano.elevationM, elevationAt)
      : undefined;
    for (let k = 0; k < n; k++) {
      const site =
        (sees && thermalSite(summit, base + (k * 360) / n, land, rng, sites, sees)) ||
        thermalSite(summit, base + (k * 360) / n, land, rng, sites);
      if (!site)
        throw new RangeError(
          `No land site for thermal camera ${k + 1} of ${volcano.name} (${summit.join(', ')})`,
        );
      sites.push(site);
      const distKm = distanceKm(site, summit);
      const mainland = summit[0] > -85;
      const mount = round(rng.uniform(3, 6), 1);
      const siteElevation =
        input.elevationAt?.(site[0], site[1]) ??
        Math.max(
          0,
          volcano.elevationM -
            distKm * (mainland ? FLANK_DROP_M_PER_KM.mainland : FLANK_DROP_M_PER_KM.galapagos),
        );
      // Aimed at the summit as the DEM has it when there is one: that is the ground the viewshed sees.
      const summitM = elevationAt?.(summit[0], summit[1]) ?? volcano.elevationM;
      const tilt = (Math.atan2(summitM - siteElevation - mount, distKm * 1000) * 180) / Math.PI;
      // Widest field narrower than the ≈3 km-wide crater area at this distance.
      const wanted = (2 * Math.atan(1.5 / distKm) * 180) / Math.PI;
      const lens = THERMAL_LENSES.find((l) => l[1] <= wanted) ?? THERMAL_LENSES[THERMAL_LENSES.length - 1]!;
      out.push({
        name: `${displayName(volcano.name)} thermal ${compassSector(bearingDeg(summit, site))} flank`,
        kind: 'thermal',
        status: 'online',
        position: roundPosition(site),
        mountHeightM: mount,
        azimuthDeg: azimuth(bearingDeg(site, summit)),
        hfovDeg: lens[1],
        vfovDeg: lens[2],
        tiltDeg: round(Math.max(-90, Math.min(90, tilt)), 2),
        rangeM: Math.round(Math.max(rng.uniform(15, 25), distKm + 3) * 1000),
        resolutionHPx: 640,
        resolutionVPx: 512,
        installDate: installDate(
          rng,
          Date.UTC(2015, 0, 1),
          Math.min(Date.UTC(2024, 0, 1), endMs - 30 * DAY_MS),
        ),
        unitCostUsd: DEMO_UNIT_COST_USD.thermal,
        volcanoGvp: volcano.gvpNumber,
        synthetic: true,
      });
    }
  }
  return out;
}

/**
 * A land site `minKm`–`maxKm` from the summit near the wanted bearing, at least 1 km from the other
 * sites. Small islands (Pinta, Marchena) have no land 5 km out in most directions, so the search
 * widens the bearing, then lets the site come closer (down to 1.5 km).
 */
function thermalSite(
  summit: LngLat,
  bearing: number,
  land: LandMask,
  rng: Rng,
  taken: LngLat[],
  sees?: (site: LngLat) => boolean,
): LngLat | null {
  const stages: [minKm: number, maxKm: number, spreadDeg: number][] = [
    [5, 15, 20],
    [5, 15, 90],
    [5, 15, 180],
    [3, 10, 180],
    [1.5, 6, 180],
  ];
  for (const [minKm, maxKm, spread] of stages) {
    for (let attempt = 0; attempt < 40; attempt++) {
      const b = bearing + rng.uniform(-spread, spread);
      const site = destinationLngLat(summit, ((b % 360) + 360) % 360, rng.uniform(minKm, maxKm));
      if (!land.contains(site[0], site[1])) continue;
      if (taken.some((t) => distanceKm(t, site) < 1)) continue;
      if (sees && !sees(site)) continue;
      return site;
    }
  }
  return null;
}

/** Metres of mount the line of sight starts from (the middle of the 3–6 m masts). */
const LOS_MOUNT_M = 4.5;
/** Earth radius and refraction coefficient of the viewshed (gdal_viewshed's defaults). */
const EARTH_RADIUS_M = 6_371_008.8;
const CURVATURE_COEFF = 0.85714;

/**
 * Whether the summit can be seen from a site over the DEM: real agencies mount a volcano's thermal
 * cameras where the crater is in view, so a site behind a ridge or deep in a valley is not used. The
 * sight line runs from the mast top to the summit ground (DEM, else GVP height), lowered by the earth's
 * curvature less refraction, sampled about every 90 m (the corridor DEM's cell).
 */
function seesSummit(
  site: LngLat,
  summit: LngLat,
  summitElevationM: number,
  elevationAt: (lon: number, lat: number) => number | null,
): boolean {
  const ground = elevationAt(site[0], site[1]);
  if (ground === null) return true; // no DEM here (the Galápagos): nothing to check against
  const eye = ground + LOS_MOUNT_M;
  const target = elevationAt(summit[0], summit[1]) ?? summitElevationM;
  const distM = distanceKm(site, summit) * 1000;
  const steps = Math.min(400, Math.max(8, Math.ceil(distM / 90)));
  // Stop short of the summit's own cells, whose bilinear slopes would hide the crater from itself.
  for (let i = 1; i < steps - 1; i++) {
    const f = i / steps;
    const lon = site[0] + (summit[0] - site[0]) * f;
    const lat = site[1] + (summit[1] - site[1]) * f;
    const h = elevationAt(lon, lat);
    if (h === null) continue;
    const d = distM * f;
    const drop = ((1 - CURVATURE_COEFF) * d * (distM - d)) / (2 * EARTH_RADIUS_M);
    if (h > eye + (target - eye) * f - drop) return false;
  }
  return true;
}

function roadCameras(roads: readonly Road[], n: number, land: LandMask, rng: Rng, endMs: number): Draft[] {
  if (n === 0) return [];
  if (roads.length === 0) throw new RangeError(`${n} road cameras asked for but no roads given`);
  const lengths = roads.map(roadLengthKm);
  const pickRoad = weightedSampler(lengths);
  const out: Draft[] = [];
  while (out.length < n) {
    const r = pickRoad(rng);
    const road = roads[r] as Road;
    const length = lengths[r] as number;
    // Half near a town or junction (a waypoint), half anywhere along the road.
    let km: number;
    if (rng.chance(0.5)) {
      const w = rng.int(road.path.length);
      km = waypointKm(road, w) + rng.normal(0, 3);
    } else {
      km = rng.uniform(0, length);
    }
    km = Math.min(length, Math.max(0, km));
    const { position, bearingDeg: along } = pointAlongRoad(road, km);
    // Roadside: 5–15 m off the centre line.
    const side = rng.chance(0.5) ? 1 : -1;
    const offKm = (side * rng.uniform(5, 15)) / 1000;
    const rad = ((along + 90) * Math.PI) / 180;
    const site = offsetLngLat(position[0], position[1], offKm * Math.sin(rad), offKm * Math.cos(rad));
    if (!land.contains(site[0], site[1])) continue;
    const ptz = rng.chance(0.35);
    const hfov = ptz ? 360 : round(rng.uniform(30, 60), 0);
    out.push({
      name: `${road.ref} km ${km.toFixed(1)} ${ptz ? 'PTZ' : 'fixed'}`,
      kind: ptz ? 'ptz' : 'fixed',
      status: pickStatus(rng),
      position: roundPosition(site),
      mountHeightM: round(ptz ? rng.uniform(15, 30) : rng.uniform(6, 10), 1),
      azimuthDeg: ptz ? rng.int(360) : azimuth(along + (rng.chance(0.5) ? 0 : 180)),
      hfovDeg: hfov,
      vfovDeg: ptz ? 35 : round(verticalFov(hfov, 9 / 16), 1),
      tiltDeg: round(ptz ? rng.uniform(-10, -3) : rng.uniform(-10, -5), 1),
      rangeM: Math.round(ptz ? rng.uniform(1000, 2000) : rng.uniform(200, 500)),
      ...resolution(rng, ptz ? 0.6 : 0.5),
      installDate: installDate(rng, Date.UTC(2012, 0, 1), endMs - 30 * DAY_MS),
      unitCostUsd: ptz ? DEMO_UNIT_COST_USD.ptz : DEMO_UNIT_COST_USD.fixed,
      volcanoGvp: null,
      synthetic: true,
    });
  }
  return out;
}

function cityCameras(places: readonly Place[], n: number, land: LandMask, rng: Rng, endMs: number): Draft[] {
  if (n === 0) return [];
  for (const place of places) {
    if (!land.contains(place.lon, place.lat)) {
      throw new RangeError(`Place ${place.name} (${place.lon}, ${place.lat}) is outside the provinces`);
    }
  }
  const pickPlace = weightedSampler(places.map((p) => p.weight));
  const perPlace = new Map<string, number>();
  const out: Draft[] = [];
  while (out.length < n) {
    const place = places[pickPlace(rng)] as Place;
    const site = placePoint(place, land, rng, 0.8);
    const roll = rng.next();
    const kind: CameraKind = roll < 0.6 ? 'dome' : roll < 0.75 ? 'ptz' : 'fixed';
    const seq = (perPlace.get(place.name) ?? 0) + 1;
    perPlace.set(place.name, seq);
    const hfov = kind === 'fixed' ? round(rng.uniform(55, 95), 0) : 360;
    out.push({
      name: `${place.name} ${kind === 'ptz' ? 'PTZ' : kind} ${seq}`,
      kind,
      status: pickStatus(rng),
      position: roundPosition(site),
      mountHeightM: round(
        kind === 'dome'
          ? rng.uniform(6, 10)
          : kind === 'fixed'
            ? rng.uniform(4, 8)
            : rng.chance(0.3)
              ? rng.uniform(15, 30)
              : rng.uniform(8, 12),
        1,
      ),
      azimuthDeg: kind === 'fixed' ? azimuth(rng.uniform(0, 360)) : rng.int(360),
      hfovDeg: hfov,
      vfovDeg: kind === 'fixed' ? round(verticalFov(hfov, 9 / 16), 1) : 35,
      tiltDeg: round(kind === 'fixed' ? rng.uniform(-25, -10) : -15, 1),
      rangeM: Math.round(
        kind === 'dome'
          ? rng.uniform(150, 400)
          : kind === 'ptz'
            ? rng.uniform(250, 400)
            : rng.uniform(100, 250),
      ),
      ...(kind === 'dome' ? { resolutionHPx: 1920, resolutionVPx: 1080 } : resolution(rng, 0.5)),
      installDate: installDate(rng, Date.UTC(2012, 0, 1), endMs - 30 * DAY_MS),
      unitCostUsd: DEMO_UNIT_COST_USD[kind],
      volcanoGvp: null,
      synthetic: true,
    });
  }
  return out;
}

/**
 * A point drawn from a place's Gaussian kernel (placeSpreadKm × `spreadScale`), redrawn until it is on
 * land; after 32 misses (a coastal town) the centre itself, which callers have checked is on land.
 */
export function placePoint(place: Place, land: LandMask, rng: Rng, spreadScale = 1): LngLat {
  const [sx, sy] = placeSpreadKm(place);
  for (let attempt = 0; attempt < 32; attempt++) {
    const site = offsetLngLat(
      place.lon,
      place.lat,
      rng.normal(0, sx * spreadScale),
      rng.normal(0, sy * spreadScale),
    );
    if (land.contains(site[0], site[1])) return site;
  }
  return [place.lon, place.lat];
}

const DAY_MS = 86_400_000;

function waypointKm(road: Road, index: number): number {
  let km = 0;
  for (let i = 0; i < index; i++) km += distanceKm(road.path[i] as LngLat, road.path[i + 1] as LngLat);
  return km;
}

function pickStatus(rng: Rng): CameraStatus {
  const u = rng.next();
  return u < 0.945 ? 'online' : u < 0.975 ? 'offline' : 'maintenance';
}

function resolution(rng: Rng, shareFullHd: number): { resolutionHPx: number; resolutionVPx: number } {
  return rng.chance(shareFullHd)
    ? { resolutionHPx: 1920, resolutionVPx: 1080 }
    : { resolutionHPx: 2560, resolutionVPx: 1440 };
}

/** Vertical field of view (degrees) of a rectilinear lens with the given horizontal one and aspect v/h. */
function verticalFov(hfovDeg: number, aspect: number): number {
  return (2 * Math.atan(Math.tan((hfovDeg * Math.PI) / 360) * aspect) * 180) / Math.PI;
}

/** A date (YYYY-MM-DD) in [fromMs, toMs): 70 % in the 2012–2017 build-out when it overlaps, else uniform. */
function installDate(rng: Rng, fromMs: number, toMs: number): string {
  const hi = Math.max(fromMs + DAY_MS, toMs);
  const buildOutEnd = Math.min(hi, Date.UTC(2018, 0, 1));
  const ms =
    buildOutEnd > fromMs && rng.chance(0.7) ? rng.uniform(fromMs, buildOutEnd) : rng.uniform(fromMs, hi);
  return new Date(ms).toISOString().slice(0, 10);
}

/** GVP lists some names inverted ("Negra, Sierra"): show them the usual way round ("Sierra Negra"). */
function displayName(gvpName: string): string {
  const m = /^([^,]+), (.+)$/.exec(gvpName);
  return m ? `${m[2]} ${m[1]}` : gvpName;
}

function compassSector(bearing: number): string {
  const names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  return names[Math.round(bearing / 45) % 8] as string;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Degrees rounded to 0.1 and wrapped into [0, 360), as the schema's CHECK wants. */
function azimuth(deg: number): number {
  const r = round(((deg % 360) + 360) % 360, 1);
  return r >= 360 ? 0 : r;
}

function roundPosition(p: LngLat): LngLat {
  return [round(p[0], 6), round(p[1], 6)];
}
