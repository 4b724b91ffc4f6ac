/**
 * A PNG snapshot of the map: the WebGL canvas as drawn (MapLibre with the interleaved deck.gl layers
 * in the same canvas and context) with a caption strip under it — title, time window, view,
 * export time, a "synthetic data" label when what is drawn is synthetic, and the sources (the
 * attribution control is HTML, outside the canvas, so the strip carries it).
 *
 * The canvas is read inside the map's own 'render' event, right after a frame is drawn: the map
 * does not keep its drawing buffer between frames (map-controller.ts), so this is the one moment
 * the canvas holds the picture. The caption's text is built by pure functions, tested in
 * test/client/map-snapshot.test.ts; drawing it needs a browser.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { RegionMeasure } from '../data/region-stats.js';
import { LOCALES, formatNumber, t } from '../i18n.js';
import type { Language, MapView, OverlayId, TimeWindow } from '../state/app-state.js';
import { SOURCE_ATTRIBUTION } from './map-style.js';

/** Height of the caption strip, CSS pixels (scaled by the canvas' pixel ratio). */
export const CAPTION_HEIGHT_PX = 46;

const CAPTION_COLORS = {
  background: '#141b23',
  rule: '#2a3542',
  title: '#e6edf3',
  text: '#9aa8b6',
  syntheticBackground: '#2e2508',
  syntheticText: '#ffd34d',
} as const;
const CAPTION_FONT =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif";

export interface SnapshotInput {
  language: Language;
  overlays: ReadonlySet<OverlayId>;
  regionMeasure: RegionMeasure | null;
  view: MapView;
  /** The time window the incident layers drawn count (density, incidents per km²); null when none is drawn. */
  window: TimeWindow | null;
  synthetic: boolean;
  /** Export time, ms since the epoch. */
  nowMs: number;
  /** IANA zone the times are written in; the browser's when absent. */
  timeZone?: string;
}

export interface SnapshotCaption {
  title: string;
  /** The label of synthetic data, or null when nothing drawn is synthetic. */
  synthetic: string | null;
  /** Under the title: the window (when incidents are drawn) and the view. */
  details: string;
  exported: string;
  sources: string;
}

/** The caption's texts, in the page's language. */
export function snapshotCaption(input: SnapshotInput): SnapshotCaption {
  const { language, overlays, regionMeasure, view } = input;
  const subject =
    regionMeasure && overlays.has('regions')
      ? t(language, 'snapshot.subject.regions', { measure: t(language, `regions.title.${regionMeasure}`) })
      : overlays.has('density')
        ? t(language, 'snapshot.subject.density')
        : t(language, 'snapshot.subject.map');
  const viewText = `${formatNumber(language, view.center[1], 4)}°, ${formatNumber(language, view.center[0], 4)}° · zoom ${formatNumber(language, view.zoom, 1)}`;
  const details = input.window
    ? `${t(language, 'snapshot.window', { window: formatWindow(language, input.window, input.timeZone) })} · ${viewText}`
    : viewText;
  return {
    title: t(language, 'snapshot.title', { subject }),
    synthetic: input.synthetic ? t(language, 'snapshot.synthetic').toUpperCase() : null,
    details,
    exported: t(language, 'snapshot.exported', {
      time: formatInstant(language, input.nowMs, input.timeZone),
    }),
    sources: t(language, 'snapshot.sources', { sources: snapshotSources(language, overlays).join(' · ') }),
  };
}

/**
 * Who to credit for what the map draws, as the attribution control does: the basemap always, the
 * boundaries with regions, provinces or centers (and Atalaya's note that the province–center
 * assignment is an approximation), volcanoes, the SRTM terrain with 3D terrain or coverage.
 */
export function snapshotSources(language: Language, overlays: ReadonlySet<OverlayId>): string[] {
  const sources: string[] = [SOURCE_ATTRIBUTION.naturalEarth];
  const boundaries = overlays.has('regions') || overlays.has('provinces') || overlays.has('centers');
  if (boundaries) sources.push(SOURCE_ATTRIBUTION.boundaries);
  if (overlays.has('volcanoes')) sources.push(SOURCE_ATTRIBUTION.volcanoes);
  if (overlays.has('terrain') || overlays.has('coverage')) sources.push(SOURCE_ATTRIBUTION.terrain);
  if (boundaries) sources.push(t(language, 'attribution.note'));
  return sources;
}

export interface SyntheticFlags {
  overlays: ReadonlySet<OverlayId>;
  regionMeasure: RegionMeasure | null;
  /** Synthetic incidents among those the density layer counts. */
  densitySynthetic: number;
  /** Synthetic incidents among those the incidents-per-km² choropleth counts. */
  regionIncidentsSynthetic: number;
  /** Whether any loaded camera is synthetic. */
  camerasSynthetic: boolean;
  /** GET /api/demo answered: a synthetic demo set is loaded (true), none is (false), unknown (null). */
  demoLoaded: boolean | null;
}

/**
 * Whether the snapshot must say its data are synthetic: a layer drawn counts synthetic records, or
 * a demo set is loaded (or that is unknown) and an operational layer is drawn — alerts, coverage,
 * camera-derived figures and volcano temperatures come from the demo's cameras and readings, which
 * carry no per-record flag on the map. Reference geography alone is real.
 */
export function showsSyntheticData(flags: SyntheticFlags): boolean {
  const { overlays } = flags;
  if (overlays.has('density') && flags.densitySynthetic > 0) return true;
  if (overlays.has('cameras') && flags.camerasSynthetic) return true;
  const choropleth = overlays.has('regions') ? flags.regionMeasure : null;
  if (choropleth === 'incidents' && flags.regionIncidentsSynthetic > 0) return true;
  const operational =
    choropleth !== null ||
    (['density', 'cameras', 'coverage', 'alerts', 'volcanoes'] as const).some((o) => overlays.has(o));
  return operational && flags.demoLoaded !== false;
}

/** 'atalaya-mapa-20261116-1005Z.png' (UTC), 'atalaya-map-…' in English. */
export function snapshotFileName(language: Language, nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}Z`;
  return `atalaya-${language === 'es' ? 'mapa' : 'map'}-${stamp}.png`;
}

/**
 * `text` cut with an ellipsis to fit `maxWidth` as measured by `measure` (a canvas' measureText
 * width in the browser): the longest prefix that fits, whole text when it does.
 */
export function fitText(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo).trimEnd()}…`;
}

/** Size of the PNG for a map canvas of `width`×`height` device pixels at `pixelRatio`. */
export function snapshotSize(
  width: number,
  height: number,
  pixelRatio: number,
): { width: number; height: number; captionHeight: number } {
  const captionHeight = Math.round(CAPTION_HEIGHT_PX * pixelRatio);
  return { width, height: height + captionHeight, captionHeight };
}

/**
 * Draws the next frame of the map, copies it in the same 'render' event with the caption strip
 * under it, and encodes the result as PNG.
 */
export function renderSnapshot(map: MapLibreMap, caption: SnapshotCaption): Promise<Blob> {
  return new Promise((resolve, reject) => {
    map.once('render', () => {
      try {
        const source = map.getCanvas();
        const ratio = source.width / Math.max(1, source.clientWidth);
        const size = snapshotSize(source.width, source.height, ratio);
        const out = document.createElement('canvas');
        out.width = size.width;
        out.height = size.height;
        const ctx = out.getContext('2d');
        if (!ctx) throw new Error('No 2D canvas context for the snapshot');
        ctx.drawImage(source, 0, 0);
        drawCaption(ctx, caption, source.height, size.width, size.captionHeight, ratio);
        out.toBlob(
          (blob) => (blob ? resolve(blob) : reject(new Error('The snapshot could not be encoded as PNG'))),
          'image/png',
        );
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    map.triggerRepaint();
  });
}

function drawCaption(
  ctx: CanvasRenderingContext2D,
  caption: SnapshotCaption,
  top: number,
  width: number,
  height: number,
  ratio: number,
): void {
  const px = (v: number) => Math.round(v * ratio);
  ctx.fillStyle = CAPTION_COLORS.background;
  ctx.fillRect(0, top, width, height);
  ctx.fillStyle = CAPTION_COLORS.rule;
  ctx.fillRect(0, top, width, Math.max(1, px(1)));
  const pad = px(12);
  const line1 = top + px(19);
  const line2 = top + px(37);
  const measure = (s: string) => ctx.measureText(s).width;
  ctx.textBaseline = 'alphabetic';

  // Right column first: it takes what it needs, up to half the strip; the left gets the rest.
  ctx.font = `${px(11)}px ${CAPTION_FONT}`;
  ctx.textAlign = 'right';
  ctx.fillStyle = CAPTION_COLORS.text;
  const rightMax = width / 2 - pad;
  const exported = fitText(caption.exported, rightMax, measure);
  const sources = fitText(caption.sources, rightMax, measure);
  ctx.fillText(exported, width - pad, line1);
  ctx.fillText(sources, width - pad, line2);
  const rightUsed = Math.max(measure(exported), measure(sources));
  const leftMax = width - rightUsed - 3 * pad;

  ctx.textAlign = 'left';
  ctx.font = `600 ${px(13)}px ${CAPTION_FONT}`;
  ctx.fillStyle = CAPTION_COLORS.title;
  let badgeWidth = 0;
  if (caption.synthetic) {
    ctx.font = `700 ${px(10)}px ${CAPTION_FONT}`;
    badgeWidth = measure(caption.synthetic) + px(12);
    ctx.font = `600 ${px(13)}px ${CAPTION_FONT}`;
  }
  const title = fitText(caption.title, leftMax - (badgeWidth ? badgeWidth + px(8) : 0), measure);
  ctx.fillText(title, pad, line1);
  if (caption.synthetic) {
    const x = pad + measure(title) + px(8);
    ctx.fillStyle = CAPTION_COLORS.syntheticBackground;
    ctx.fillRect(x, line1 - px(12), badgeWidth, px(16));
    ctx.font = `700 ${px(10)}px ${CAPTION_FONT}`;
    ctx.fillStyle = CAPTION_COLORS.syntheticText;
    ctx.fillText(caption.synthetic, x + px(6), line1 - px(1));
  }
  ctx.font = `${px(11)}px ${CAPTION_FONT}`;
  ctx.fillStyle = CAPTION_COLORS.text;
  ctx.fillText(fitText(caption.details, leftMax, measure), pad, line2);
}

function formatWindow(language: Language, window: TimeWindow, timeZone?: string): string {
  const format = dateTimeFormat(language, timeZone);
  return `${format.format(window.from)} – ${format.format(window.to)} (${zoneName(language, window.to, timeZone)})`;
}

function formatInstant(language: Language, ms: number, timeZone?: string): string {
  return `${dateTimeFormat(language, timeZone).format(ms)} (${zoneName(language, ms, timeZone)})`;
}

function dateTimeFormat(language: Language, timeZone?: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(LOCALES[language], {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    // hour12: false writes midnight as 24:00 in V8; h23 is 00:00.
    hourCycle: 'h23',
    timeZone,
  });
}

/** 'GMT-5' and the like: the offset the times are written at, so the image says it. */
function zoneName(language: Language, ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat(LOCALES[language], {
    timeZone,
    timeZoneName: 'shortOffset',
  }).formatToParts(ms);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
}
