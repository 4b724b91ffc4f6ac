/**
 * The URL fragment that mirrors AppState, so that a link reproduces the screen:
 *
 *   #map=ZOOM/LAT/LNG[/BEARING/PITCH]&layers=regions,volcanoes&lang=en&sel=volcano:352050
 *
 * `map` follows openstreetmap.org's zoom/lat/lng order. `layers` lists the visible overlays
 * (an empty value means none; a missing key means the defaults). Bearing and pitch are written
 * only when not zero. Unknown keys, unknown overlay ids and invalid values are ignored field by
 * field, so a damaged or outdated link still opens with whatever it got right.
 */
import {
  OVERLAY_IDS,
  isLanguage,
  isOverlayId,
  isSelectionKind,
  type AppState,
  type MapView,
  type OverlayId,
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

/** Fixed decimals without trailing zeros, and never '-0'. */
function round(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}
