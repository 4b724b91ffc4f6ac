import { READING_QUALITIES, type Camera, type Volcano } from '../domain/types.js';
import { createRng, type Rng } from './random.js';

/**
 * An injected episode of volcanic unrest: the ground truth that the thermal alert rules should catch.
 * The excess temperature added to the hottest pixel rises linearly from 0 at `startMs` to `deltaC`
 * at `peakMs`, stays there until `endMs`, then falls linearly back to 0 over `decayMs`.
 */
export interface ThermalEpisode {
  id: string;
  kind: 'gradual_rise' | 'spike';
  label: string;
  volcanoGvp: number;
  startMs: number;
  peakMs: number;
  endMs: number;
  decayMs: number;
  /** Excess of max_temp_c at the peak, °C (mean_temp_c gets a tenth of it). */
  deltaC: number;
  /** Cameras that send nothing over [fromMs, toMs): a stale sensor during the unrest. */
  silentCameras: { externalId: string; fromMs: number; toMs: number }[];
  /** Summit cloud and local fog are held off over [from, to) so the onset is seen in 'ok' frames. */
  clearFromMs: number;
  clearToMs: number;
}

/**
 * Assumed thermal character of each monitored volcano (ATALAYA'S ASSUMPTIONS for the demo, not
 * measurements): `ventExcessC` is how much the hottest pixel of a calm day's scene exceeds the ambient
 * air at the summit (active vents, fumaroles, young lava), `cloudiness` scales how often the summit is
 * in cloud (Sangay and Reventador face the Amazon and are notoriously clouded; the Galápagos less so).
 */
export const VOLCANO_THERMAL_PROFILE: Readonly<Record<number, { ventExcessC: number; cloudiness: number }>> =
  {
    351110: { ventExcessC: 3, cloudiness: 1.2 }, // Chiles-Cerro Negro
    352010: { ventExcessC: 30, cloudiness: 1.6 }, // Reventador
    352020: { ventExcessC: 12, cloudiness: 1.2 }, // Guagua Pichincha
    352050: { ventExcessC: 6, cloudiness: 1.0 }, // Cotopaxi
    352080: { ventExcessC: 8, cloudiness: 1.1 }, // Tungurahua
    352090: { ventExcessC: 35, cloudiness: 1.6 }, // Sangay
    353010: { ventExcessC: 10, cloudiness: 0.8 }, // Fernandina
    353020: { ventExcessC: 6, cloudiness: 0.8 }, // Wolf
    353040: { ventExcessC: 5, cloudiness: 0.8 }, // Alcedo
    353050: { ventExcessC: 8, cloudiness: 0.8 }, // Sierra Negra
    353060: { ventExcessC: 4, cloudiness: 0.8 }, // Cerro Azul
    353070: { ventExcessC: 1, cloudiness: 0.8 }, // Pinta
    353080: { ventExcessC: 2, cloudiness: 0.8 }, // Marchena
    353090: { ventExcessC: 1, cloudiness: 0.8 }, // Santiago
  };

/**
 * Model constants (assumptions): ambient air at the summit from a tropical lapse rate, 26 °C at sea
 * level minus 6 °C per km, which puts the snow-capped Andean summits (5–6 km) near −5…−10 °C; a
 * late-morning solar heating bump of up to 12 °C on the Andes (8 °C on the low Galápagos shields)
 * scaled by each day's clearness (0.5–1); 2 °C of radiative cooling before dawn; weather as an AR(1)
 * anomaly with 1.2 °C standard deviation and a 90-minute memory; 0.3 °C frame noise.
 */
export const THERMAL_MODEL = {
  seaLevelAirC: 26,
  lapseRateCPerKm: 6,
  solarAmplitudeC: { andes: 12, galapagos: 8 },
  /** Solar hour of the heating peak and its width (Gaussian sd), hours. */
  solarPeakHour: 11,
  solarWidthH: 2.3,
  nightCoolingC: 2,
  weatherSdC: 1.2,
  weatherMemoryMin: 90,
  frameNoiseC: 0.3,
  /** Summit cloud: mean obscured spell and base probability per minute of clouding over. */
  cloudMeanSpellMin: 180,
  cloudOnsetPerMin: 1 / 390,
  /** Local fog at one camera: onset per minute and mean spell. */
  fogOnsetPerMin: 1 / (3 * 1440),
  fogMeanSpellMin: 60,
  /**
   * Short dropouts (no rows): starts per day; length 1 + ⌊Exp(mean)⌋ minutes, capped, so that a dropout
   * never outlasts the 15-minute stale-sensor rule (data/rules.yaml) — only the listed outages do.
   */
  dropoutsPerDay: 3,
  dropoutMeanMin: 5,
  dropoutMaxMin: 10,
  /** Probability that a camera has one long communications outage (1–6 h) in the window, listed as ground truth. */
  longOutageChance: 0.3,
  invalidFrameChance: 0.0005,
} as const;

export interface DemoReadingOptions {
  seed: number | string;
  /** End of the series (exclusive), ms since epoch; floored to the minute. */
  endMs: number;
  /** Days simulated, one reading a minute per camera. Default 30. */
  days?: number;
  /**
   * Emit only readings at or after this instant. The simulation always runs over the whole window, so a
   * slice is exactly the tail of the full series.
   */
  fromMs?: number;
  /** Default: defaultThermalEpisodes(endMs, cameras). */
  episodes?: readonly ThermalEpisode[];
}

/** A long silence of one camera that is not part of an episode (a communications outage): ground truth too. */
export interface ThermalOutage {
  externalId: string;
  fromMs: number;
  toMs: number;
  reason: string;
}

/** Readings in columns, sorted by time then camera. */
export interface ReadingColumns {
  length: number;
  /** Index into `cameras`. */
  camera: Uint16Array;
  /** ms since epoch, whole minutes. */
  timeMs: Float64Array;
  maxTempC: Float32Array;
  /** NaN where the frame has no mean (invalid frames): write NULL. */
  meanTempC: Float32Array;
  /** Index into READING_QUALITIES. */
  quality: Uint8Array;
  /** The thermal cameras the readings belong to. */
  cameras: readonly Camera[];
  episodes: readonly ThermalEpisode[];
  /** Long outages (no rows) outside the episodes, whole window (also before `fromMs`). */
  outages: readonly ThermalOutage[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const Q_OK = READING_QUALITIES.indexOf('ok');
const Q_OBSCURED = READING_QUALITIES.indexOf('obscured');
const Q_INVALID = READING_QUALITIES.indexOf('invalid');

const GVP = { cotopaxi: 352050, sangay: 352090, reventador: 352010 } as const;

/**
 * The default unrest episodes, relative to `endMs` (so the last 3 days, the start-up slice, hold two):
 * - Cotopaxi, gradual rise of +25 °C over 4 days starting 12 days before the end, 3 days at the
 *   plateau, back to normal over 2 days;
 * - Sangay, spike of +80 °C within 5 minutes, 30 hours before the end, lasting 6 hours, decaying over 2;
 * - Reventador, sudden rise of +40 °C over 45 minutes 20 hours before the end, still going at the end,
 *   and its first camera falls silent 30 minutes in (stale through the end).
 * Episodes whose volcano has no camera are left out.
 */
export function defaultThermalEpisodes(endMs: number, cameras: readonly Camera[]): ThermalEpisode[] {
  const end = Math.floor(endMs / MINUTE_MS) * MINUTE_MS;
  const camerasOf = (gvp: number) =>
    cameras
      .filter((c) => c.kind === 'thermal' && c.volcanoGvp === gvp)
      .sort((a, b) => a.externalId.localeCompare(b.externalId));
  const episodes: ThermalEpisode[] = [];
  if (camerasOf(GVP.cotopaxi).length) {
    const start = end - 12 * DAY_MS;
    episodes.push({
      id: 'cotopaxi-gradual-rise',
      kind: 'gradual_rise',
      label: 'Cotopaxi: gradual rise of +25 °C over 4 days (synthetic)',
      volcanoGvp: GVP.cotopaxi,
      startMs: start,
      peakMs: start + 4 * DAY_MS,
      endMs: start + 7 * DAY_MS,
      decayMs: 2 * DAY_MS,
      deltaC: 25,
      silentCameras: [],
      clearFromMs: start + 4 * DAY_MS - 6 * HOUR_MS,
      clearToMs: start + 4 * DAY_MS + 6 * HOUR_MS,
    });
  }
  if (camerasOf(GVP.sangay).length) {
    const start = end - 30 * HOUR_MS;
    episodes.push({
      id: 'sangay-spike',
      kind: 'spike',
      label: 'Sangay: spike of +80 °C within 5 minutes, 6 hours long (synthetic)',
      volcanoGvp: GVP.sangay,
      startMs: start,
      peakMs: start + 5 * MINUTE_MS,
      endMs: start + 6 * HOUR_MS,
      decayMs: 2 * HOUR_MS,
      deltaC: 80,
      silentCameras: [],
      clearFromMs: start - HOUR_MS,
      clearToMs: start + 3 * HOUR_MS,
    });
  }
  const reventador = camerasOf(GVP.reventador);
  if (reventador.length) {
    const start = end - 20 * HOUR_MS;
    episodes.push({
      id: 'reventador-rise-stale-camera',
      kind: 'spike',
      label: 'Reventador: rise of +40 °C over 45 minutes, one camera silent from 30 minutes in (synthetic)',
      volcanoGvp: GVP.reventador,
      startMs: start,
      peakMs: start + 45 * MINUTE_MS,
      endMs: end,
      decayMs: 0,
      deltaC: 40,
      silentCameras: [
        { externalId: (reventador[0] as Camera).externalId, fromMs: start + 30 * MINUTE_MS, toMs: end },
      ],
      clearFromMs: start - HOUR_MS,
      clearToMs: start + 3 * HOUR_MS,
    });
  }
  return episodes;
}

/** Excess temperature of an episode at instant `ms`, °C. */
export function episodeExcessC(e: ThermalEpisode, ms: number): number {
  if (ms < e.startMs) return 0;
  if (ms < e.peakMs) return (e.deltaC * (ms - e.startMs)) / (e.peakMs - e.startMs);
  if (ms < e.endMs) return e.deltaC;
  if (e.decayMs > 0 && ms < e.endMs + e.decayMs) return e.deltaC * (1 - (ms - e.endMs) / e.decayMs);
  return 0;
}

/** Ambient air at a summit of `elevationM` metres in the demo's model, °C. */
export function summitAirC(elevationM: number): number {
  return THERMAL_MODEL.seaLevelAirC - (THERMAL_MODEL.lapseRateCPerKm * elevationM) / 1000;
}

/**
 * Generate one reading a minute for every thermal camera (kind 'thermal' with a volcanoGvp) over
 * `days` days ending at `endMs`: summit air temperature plus the volcano's vent excess, a diurnal solar
 * cycle, weather noise, summit cloud and local fog as two-state Markov chains ('obscured' frames show
 * the cloud, not the mountain), short dropouts and a rare long outage (no rows), rare 'invalid' frames
 * (−40 °C dead frames or 200–600 °C glitches), and the injected episodes. Deterministic for a seed;
 * ≈1.8M rows in well under a second.
 */
export function generateDemoReadings(
  input: { cameras: readonly Camera[]; volcanoes: readonly Volcano[] },
  options: DemoReadingOptions,
): ReadingColumns {
  const days = options.days ?? 30;
  if (!Number.isInteger(days) || days <= 0 || days > 400) throw new RangeError(`Invalid days: ${days}`);
  if (!Number.isFinite(options.endMs)) throw new RangeError(`Invalid endMs: ${options.endMs}`);
  const endMs = Math.floor(options.endMs / MINUTE_MS) * MINUTE_MS;
  const startMs = endMs - days * DAY_MS;
  const minutes = days * 1440;
  const firstEmit = Math.max(0, Math.ceil(((options.fromMs ?? startMs) - startMs) / MINUTE_MS));
  const cameras = input.cameras.filter((c) => c.kind === 'thermal' && c.volcanoGvp !== null);
  if (cameras.length > 65535) throw new RangeError(`Too many thermal cameras: ${cameras.length}`);
  const episodes = options.episodes ?? defaultThermalEpisodes(endMs, cameras);
  const volcanoByGvp = new Map(input.volcanoes.map((v) => [v.gvpNumber, v]));
  const seed = String(options.seed);
  const nCam = cameras.length;
  const emitted = Math.max(0, minutes - firstEmit);

  // Time-major grid, so that the output comes out sorted by time (kind to the BRIN index on ts).
  const grid = {
    quality: new Uint8Array(emitted * nCam).fill(255), // 255 = no row
    max: new Float32Array(emitted * nCam),
    mean: new Float32Array(emitted * nCam),
  };

  const outages: ThermalOutage[] = [];
  const gvps = [...new Set(cameras.map((c) => c.volcanoGvp as number))];
  for (const gvp of gvps) {
    const volcano = volcanoByGvp.get(gvp);
    if (!volcano)
      throw new RangeError(`Thermal camera watches volcano ${gvp}, which is not in the volcano list`);
    const sky = simulateSummit(
      volcano,
      episodes,
      startMs,
      minutes,
      createRng(`${seed}:readings:volcano:${gvp}`),
    );
    cameras.forEach((camera, j) => {
      if (camera.volcanoGvp !== gvp) return;
      const rng = createRng(`${seed}:readings:camera:${camera.externalId}`);
      const outage = simulateCamera(camera, j, nCam, sky, episodes, startMs, minutes, firstEmit, rng, grid);
      if (outage) outages.push(outage);
    });
  }

  let length = 0;
  for (let i = 0; i < grid.quality.length; i++) if (grid.quality[i] !== 255) length++;
  const out: ReadingColumns = {
    length,
    camera: new Uint16Array(length),
    timeMs: new Float64Array(length),
    maxTempC: new Float32Array(length),
    meanTempC: new Float32Array(length),
    quality: new Uint8Array(length),
    cameras,
    episodes,
    outages: outages.sort((a, b) => a.fromMs - b.fromMs || a.externalId.localeCompare(b.externalId)),
  };
  let k = 0;
  for (let t = 0; t < emitted; t++) {
    for (let j = 0; j < nCam; j++) {
      const g = t * nCam + j;
      const q = grid.quality[g] as number;
      if (q === 255) continue;
      out.camera[k] = j;
      out.timeMs[k] = startMs + (firstEmit + t) * MINUTE_MS;
      out.maxTempC[k] = grid.max[g] as number;
      out.meanTempC[k] = grid.mean[g] as number;
      out.quality[k] = q;
      k++;
    }
  }
  return out;
}

// ---------------------------------------------------------------- internals

/** What every camera on one volcano shares, minute by minute. */
interface Summit {
  /** Air at the summit plus weather anomaly, °C. */
  air: Float32Array;
  /** Solar heating minus night cooling, °C (already scaled by the day's clearness). */
  diurnal: Float32Array;
  /** 1 when the summit is in cloud. */
  cloud: Uint8Array;
  /** Sum of the volcano's episode excesses, °C. */
  unrest: Float32Array;
  ventExcessC: number;
  /** Minutes in which local fog is held off (forced-clear windows). */
  forcedClear: Uint8Array;
}

function simulateSummit(
  volcano: Volcano,
  episodes: readonly ThermalEpisode[],
  startMs: number,
  minutes: number,
  rng: Rng,
): Summit {
  const m = THERMAL_MODEL;
  const profile = VOLCANO_THERMAL_PROFILE[volcano.gvpNumber] ?? { ventExcessC: 2, cloudiness: 1 };
  const galapagos = volcano.position[0] < -85;
  const amplitude = galapagos ? m.solarAmplitudeC.galapagos : m.solarAmplitudeC.andes;
  const baseAir = summitAirC(volcano.elevationM);
  const solarOffsetMin = volcano.position[0] * 4; // local solar time = UTC + lon/15 h
  const mine = episodes.filter((e) => e.volcanoGvp === volcano.gvpNumber);

  const s: Summit = {
    air: new Float32Array(minutes),
    diurnal: new Float32Array(minutes),
    cloud: new Uint8Array(minutes),
    unrest: new Float32Array(minutes),
    ventExcessC: profile.ventExcessC,
    forcedClear: new Uint8Array(minutes),
  };
  const phi = Math.exp(-1 / m.weatherMemoryMin);
  const innovation = m.weatherSdC * Math.sqrt(1 - phi * phi);
  let weather = rng.normal(0, m.weatherSdC);
  const pClear = 1 / m.cloudMeanSpellMin;
  const onsetBase = m.cloudOnsetPerMin * profile.cloudiness;
  let cloudy = rng.chance(0.4);
  let clearnessDay = Number.NaN;
  let clearness = 1;

  for (let t = 0; t < minutes; t++) {
    const ms = startMs + t * MINUTE_MS;
    const solarMin = ms / MINUTE_MS + solarOffsetMin;
    const day = Math.floor(solarMin / 1440);
    if (day !== clearnessDay) {
      clearnessDay = day;
      clearness = rng.uniform(0.5, 1);
    }
    const hour = (solarMin - day * 1440) / 60;
    const bump = Math.exp(-(((hour - m.solarPeakHour) / m.solarWidthH) ** 2));
    const cooling = m.nightCoolingC * (0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - 5)) / 24));
    s.diurnal[t] = amplitude * clearness * bump - cooling;

    weather = phi * weather + rng.normal(0, innovation);
    s.air[t] = baseAir + weather;

    // Convective cloud builds up in the afternoon: onset up to 3× more likely around 15:00 solar.
    const onset = onsetBase * (1 + 2 * Math.exp(-(((hour - 15) / 3) ** 2)));
    cloudy = cloudy ? !rng.chance(pClear) : rng.chance(onset);

    let excess = 0;
    let clear = false;
    for (const e of mine) {
      excess += episodeExcessC(e, ms);
      if (ms >= e.clearFromMs && ms < e.clearToMs) clear = true;
    }
    s.unrest[t] = excess;
    s.forcedClear[t] = clear ? 1 : 0;
    s.cloud[t] = cloudy && !clear ? 1 : 0;
  }
  return s;
}

function simulateCamera(
  camera: Camera,
  j: number,
  nCam: number,
  sky: Summit,
  episodes: readonly ThermalEpisode[],
  startMs: number,
  minutes: number,
  firstEmit: number,
  rng: Rng,
  grid: { quality: Uint8Array; max: Float32Array; mean: Float32Array },
): ThermalOutage | null {
  const m = THERMAL_MODEL;
  // Each viewpoint sees a slightly different hottest pixel.
  const viewOffset = rng.uniform(-2, 2);
  const silences = episodes.flatMap((e) => e.silentCameras.filter((s) => s.externalId === camera.externalId));
  const pDropout = m.dropoutsPerDay / 1440;
  const pFogEnd = 1 / m.fogMeanSpellMin;
  let dropoutLeft = 0;
  let wasInDropout = false;
  let fog = false;
  let longStart = -1;
  let longEnd = -1;
  if (rng.chance(m.longOutageChance)) {
    const from = rng.int(minutes);
    const to = Math.min(minutes, from + 60 + rng.int(5 * 60));
    // Kept only clear of the episodes' forced-clear windows and silences, so the ground truth stays exact.
    const overlapsEpisode =
      sky.forcedClear.subarray(from, to).includes(1) ||
      silences.some((s) => s.fromMs < startMs + to * MINUTE_MS && s.toMs > startMs + from * MINUTE_MS);
    if (!overlapsEpisode) {
      longStart = from;
      longEnd = to;
    }
  }

  for (let t = 0; t < minutes; t++) {
    const ms = startMs + t * MINUTE_MS;
    // Draw every random number each minute whatever happens, so the stream does not depend on which
    // minutes are emitted.
    const startsDropout = rng.chance(pDropout);
    const dropoutLength = 1 + Math.min(m.dropoutMaxMin - 1, Math.floor(rng.exponential(m.dropoutMeanMin)));
    const fogFlip = rng.next();
    const invalid = rng.chance(m.invalidFrameChance);
    const u = rng.next();
    const n1 = rng.normal(0, m.frameNoiseC);
    const n2 = rng.normal(0, m.frameNoiseC);

    // A new dropout only after a reported minute, so two never join into one long silence.
    if (dropoutLeft === 0 && startsDropout && !wasInDropout) dropoutLeft = dropoutLength;
    const inDropout = dropoutLeft > 0;
    if (inDropout) dropoutLeft--;
    wasInDropout = inDropout;
    const forced = sky.forcedClear[t] === 1;
    fog = forced ? false : fog ? fogFlip >= pFogEnd : fogFlip < m.fogOnsetPerMin;

    if (t < firstEmit) continue;
    const silenced = silences.some((s) => ms >= s.fromMs && ms < s.toMs);
    // Outages are held off in the forced-clear windows too, so every camera sees an episode's onset.
    const outage = !forced && (inDropout || (t >= longStart && t < longEnd));
    if (silenced || outage) continue;

    const g = (t - firstEmit) * nCam + j;
    const air = sky.air[t] as number;
    if (invalid) {
      grid.quality[g] = Q_INVALID;
      grid.max[g] = u < 0.5 ? -40 : Math.round(200 + 400 * (2 * u - 1));
      grid.mean[g] = Number.NaN;
    } else if (sky.cloud[t] === 1 || fog) {
      // The camera sees the cloud: close to the air temperature, flat, no sun, no vent.
      const max = air - 2 + n1;
      grid.quality[g] = Q_OBSCURED;
      grid.max[g] = round2(max);
      grid.mean[g] = round2(max - 1 - Math.abs(n2));
    } else {
      const diurnal = sky.diurnal[t] as number;
      const unrest = sky.unrest[t] as number;
      const max = air + sky.ventExcessC + diurnal + viewOffset + unrest + n1;
      const mean = Math.min(air - 4 + 0.5 * diurnal + 0.1 * unrest + n2, max - 0.5);
      grid.quality[g] = Q_OK;
      grid.max[g] = round2(max);
      grid.mean[g] = round2(mean);
    }
  }
  return longStart < 0
    ? null
    : {
        externalId: camera.externalId,
        fromMs: startMs + longStart * MINUTE_MS,
        toMs: startMs + longEnd * MINUTE_MS,
        reason: 'communications outage (synthetic; a short dropout may sit next to it)',
      };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
