/**
 * The URL fragment that mirrors AppState, so that a link reproduces the screen:
 *
 *   #map=ZOOM/LAT/LNG[/BEARING/PITCH]&layers=regions,volcanoes&lang=en&sel=volcano:352050
 *    &cat=traffic,fire&time=2026-11-16T05:00Z/2026-11-17T05:00Z&tr=6h
 *
 * `map` follows openstreetmap.org's zoom/lat/lng order. `layers` lists the visible overlays
 * (an empty value means none; a missing key means the defaults). Bearing and pitch are written
 * only when not zero. `cat` lists the incident categories the density layer counts (written only
 * when not all), `time` its time window in UTC to the minute (absent: the whole slider), `tr` the
 * thermal chart's range (absent: 24h). `alert` is the selected alert's id, `ap=1` an open alerts
 * panel, `ast` and `asev` the alert states and severities the panel lists (written only when not
 * the defaults: the open states, every severity). `cov=dori` draws DORI classes in the coverage
 * overlay (absent: camera counts). `rm` is what the regions are coloured by: `incidents` per km²,
 * `coverage` % or open `alerts` (absent: boundaries only). Unknown keys, unknown overlay ids and
 * invalid values are ignored field by field, so a damaged or outdated link still opens with
 * whatever it got right.
 */
import { SEVERITIES, type Severity } from '../charts/severity.js';
import { ALERT_STATES, type AlertState } from '../data/alert-list.js';
import { isRegionMeasure } from '../data/region-stats.js';
import {
  DEFAULT_STATE,
  INCIDENT_CATEGORIES,
  OVERLAY_IDS,
  isIncidentCategory,
  isLanguage,
  isOverlayId,
  isCoverageLayer,
  isSelectionKind,
  isThermalRange,
  type AppState,
  type IncidentCategory,
  type MapView,
  type OverlayId,
  type TimeWindow,
} from './app-state.js';

/** The fields a fragment carried validly; anything missing comes from the defaults. */
export type DecodedState = Partial<AppState>;

/**
 * Writes the state as a fragment (with the leading '#'). Coordinates get as many decimals as keep
 * the position within about one screen pixel at the state's zoom (see coordinateDecimals).
 */
export function encodeState(state: AppState): string {
  const { center, zoom, bearing, pitch } = state.view;
  const decimals = coordinateDecimals(zoom);
  const parts = [round(zoom, 2), round(center[1], decimals), round(center[0], decimals)];
  if (round(bearing, 1) !== '0' || round(pitch, 1) !== '0') parts.push(round(bearing, 1), round(pitch, 1));
  const fields = [`map=${parts.join('/')}`];
  // Canonical order, whatever order the set was built in, so equal states give equal links.
  fields.push(`layers=${OVERLAY_IDS.filter((id) => state.overlays.has(id)).join(',')}`);
  fields.push(`lang=${state.language}`);
  if (state.selection) fields.push(`sel=${state.selection.kind}:${encodeURIComponent(state.selection.id)}`);
  if (state.incidentCategories.size < INCIDENT_CATEGORIES.length) {
    fields.push(`cat=${INCIDENT_CATEGORIES.filter((c) => state.incidentCategories.has(c)).join(',')}`);
  }
  if (state.timeWindow)
    fields.push(`time=${minuteIso(state.timeWindow.from)}/${minuteIso(state.timeWindow.to)}`);
  if (state.thermalRange !== '24h') fields.push(`tr=${state.thermalRange}`);
  if (state.coverageLayer !== 'counts') fields.push(`cov=${state.coverageLayer}`);
  if (state.regionMeasure) fields.push(`rm=${state.regionMeasure}`);
  if (state.alert !== null) fields.push(`alert=${state.alert}`);
  if (state.alertPanel) fields.push('ap=1');
  if (!sameSet(state.alertStates, DEFAULT_STATE.alertStates))
    fields.push(`ast=${ALERT_STATES.filter((s) => state.alertStates.has(s)).join(',')}`);
  if (!sameSet(state.alertSeverities, DEFAULT_STATE.alertSeverities))
    fields.push(`asev=${SEVERITIES.filter((s) => state.alertSeverities.has(s)).join(',')}`);
  return `#${fields.join('&')}`;
}

/** Reads a fragment ('#…' or without the '#'); see the module comment for the format. */
export function decodeState(fragment: string): DecodedState {
  const decoded: DecodedState = {};
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  for (const field of text.split('&')) {
    const eq = field.indexOf('=');
    if (eq <= 0) continue;
    const key = field.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(field.slice(eq + 1));
    } catch {
      continue;
    }
    if (key === 'map') {
      const view = decodeView(value);
      if (view) decoded.view = view;
    } else if (key === 'layers') {
      // Unknown ids (from a newer or older version of the app) are dropped, the known ones kept.
      decoded.overlays = new Set<OverlayId>(value.split(',').filter(isOverlayId));
    } else if (key === 'lang') {
      if (isLanguage(value)) decoded.language = value;
    } else if (key === 'sel') {
      const colon = value.indexOf(':');
      const kind = value.slice(0, colon);
      const id = value.slice(colon + 1);
      if (colon > 0 && id !== '' && isSelectionKind(kind)) decoded.selection = { kind, id };
    } else if (key === 'cat') {
      // An empty value means no category; a list of only unknown ones is ignored like any bad field.
      const known = value.split(',').filter(isIncidentCategory);
      if (value === '' || known.length > 0) decoded.incidentCategories = new Set<IncidentCategory>(known);
    } else if (key === 'time') {
      const window = decodeWindow(value);
      if (window) decoded.timeWindow = window;
    } else if (key === 'tr') {
      if (isThermalRange(value)) decoded.thermalRange = value;
    } else if (key === 'cov') {
      if (isCoverageLayer(value)) decoded.coverageLayer = value;
    } else if (key === 'rm') {
      if (isRegionMeasure(value)) decoded.regionMeasure = value;
    } else if (key === 'alert') {
      if (/^[1-9]\d{0,15}$/.test(value)) decoded.alert = Number(value);
    } else if (key === 'ap') {
      if (value === '0' || value === '1') decoded.alertPanel = value === '1';
    } else if (key === 'ast') {
      const known = value
        .split(',')
        .filter((v): v is AlertState => (ALERT_STATES as readonly string[]).includes(v));
      if (value === '' || known.length > 0) decoded.alertStates = new Set(known);
    } else if (key === 'asev') {
      const known = value
        .split(',')
        .filter((v): v is Severity => (SEVERITIES as readonly string[]).includes(v));
      if (value === '' || known.length > 0) decoded.alertSeverities = new Set(known);
    }
  }
  return decoded;
}

/** The defaults overridden by whatever the fragment carried. */
export function mergeState(defaults: AppState, decoded: DecodedState): AppState {
  return { ...defaults, ...decoded };
}

/**
 * Decimals that keep a longitude/latitude within about one pixel at this zoom: a 512 px world is
 * 512·2^zoom px for 360°, so one pixel is 360 / (512·2^zoom) degrees.
 */
export function coordinateDecimals(zoom: number): number {
  const degreesPerPixel = 360 / (512 * 2 ** zoom);
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(degreesPerPixel))));
}

function decodeView(value: string): MapView | null {
  const numbers = value.split('/').map(Number);
  if (numbers.length !== 3 && numbers.length !== 5) return null;
  if (!numbers.every(Number.isFinite)) return null;
  const [zoom, lat, lng, bearing = 0, pitch = 0] = numbers as [number, number, number, number?, number?];
  if (zoom < 0 || zoom > 22 || Math.abs(lat) > 85.05 || Math.abs(lng) > 180) return null;
  if (pitch < 0 || pitch > 85) return null;
  return { center: [lng, lat], zoom, bearing: ((((bearing + 180) % 360) + 360) % 360) - 180, pitch };
}

/** '2026-11-16T05:00Z': UTC to the minute (the slider snaps to hours, so nothing is lost). */
function minuteIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

function decodeWindow(value: string): TimeWindow | null {
  const parts = value.split('/');
  if (parts.length !== 2) return null;
  const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
  if (!parts.every((p) => pattern.test(p))) return null;
  const [from, to] = parts.map((p) => Date.parse(p)) as [number, number];
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
  return { from, to };
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((v) => b.has(v));
}

/** Fixed decimals without trailing zeros, and never '-0'. */
function round(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}
