/**
 * What the screen shows, as plain data: the map view, which overlays are on, the language and the
 * selected feature. The URL mirrors exactly this (url-codec.ts), so a link reproduces the screen.
 * Anything that is not worth sharing in a link (loaded data, server health) lives in
 * runtime-state.ts instead.
 */

import { SEVERITIES, type Severity } from '../charts/severity.js';
import { OPEN_STATES, type AlertState } from '../data/alert-list.js';
import { COVERAGE_LAYERS, type CoverageLayerKind } from '../data/coverage-client.js';
import type { RegionMeasure } from '../data/region-stats.js';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The overlays a user can switch on and off, in drawing order (bottom first). Each maps to one or
 * more MapLibre and deck.gl layers (client/map/layer-ids.ts). New overlays are added here.
 */
export const OVERLAY_IDS = [
  'terrain',
  'regions',
  'provinces',
  'density',
  'coverage',
  'cameras',
  'centers',
  'volcanoes',
  'alerts',
] as const;
export type OverlayId = (typeof OVERLAY_IDS)[number];

export const SELECTION_KINDS = ['region', 'center', 'volcano', 'province', 'camera'] as const;
export type SelectionKind = (typeof SELECTION_KINDS)[number];

/**
 * A selected feature: a region by its center id, a center by id, a volcano by GVP number, a province
 * by code, a camera by its external id.
 */
export interface Selection {
  kind: SelectionKind;
  id: string;
}

export interface MapView {
  /** [longitude, latitude] in degrees, EPSG:4326. */
  center: [number, number];
  /** Web Mercator zoom level (512 px tiles, MapLibre's convention). */
  zoom: number;
  /** Degrees clockwise from north. */
  bearing: number;
  /** Degrees from looking straight down. */
  pitch: number;
}

/** Incident categories of the API (server/domain/types.ts), in the order the filter chips show them. */
export const INCIDENT_CATEGORIES = [
  'traffic',
  'medical',
  'fire',
  'security',
  'natural_hazard',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** A time window [from, to) in milliseconds since the epoch. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** How far back the thermal chart of a volcano looks. */
export const THERMAL_RANGES = ['6h', '24h', '3d'] as const;
export type ThermalRange = (typeof THERMAL_RANGES)[number];

export interface AppState {
  view: MapView;
  overlays: ReadonlySet<OverlayId>;
  language: Language;
  selection: Selection | null;
  /** Incident categories the density layer counts. */
  incidentCategories: ReadonlySet<IncidentCategory>;
  /** The density layer's time window; null for the whole span of the time slider. */
  timeWindow: TimeWindow | null;
  thermalRange: ThermalRange;
  /** The alert selected in the alerts panel (and ringed on the map), by id. */
  alert: number | null;
  /** The alerts panel is open (closed by default: the header's alerts button counts what fires). */
  alertPanel: boolean;
  /** Alert states and severities the alerts panel lists. */
  alertStates: ReadonlySet<AlertState>;
  alertSeverities: ReadonlySet<Severity>;
  /** What the coverage overlay draws: cameras seeing each place, or the best DORI class. */
  coverageLayer: CoverageLayerKind;
  /** What the regions overlay colours its areas by (client/data/region-stats.ts); null: boundaries only. */
  regionMeasure: RegionMeasure | null;
}

/** Mainland Ecuador and the Galápagos, [west, south, east, north] in degrees. */
export const NATIONAL_BOUNDS: [number, number, number, number] = [-92.1, -5.1, -75.1, 1.75];

/** A view that shows NATIONAL_BOUNDS on a 1366×768 screen; at boot the map fits the bounds instead. */
export const DEFAULT_VIEW: MapView = { center: [-83.6, -1.7], zoom: 5.4, bearing: 0, pitch: 0 };

export const DEFAULT_STATE: AppState = {
  view: DEFAULT_VIEW,
  overlays: new Set<OverlayId>(['regions', 'provinces', 'centers', 'volcanoes', 'alerts']),
  language: 'es',
  selection: null,
  incidentCategories: new Set<IncidentCategory>(INCIDENT_CATEGORIES),
  timeWindow: null,
  thermalRange: '24h',
  alert: null,
  alertPanel: false,
  alertStates: new Set<AlertState>(OPEN_STATES),
  alertSeverities: new Set<Severity>(SEVERITIES),
  coverageLayer: 'counts',
  regionMeasure: null,
};

export function isOverlayId(value: string): value is OverlayId {
  return (OVERLAY_IDS as readonly string[]).includes(value);
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

export function isSelectionKind(value: string): value is SelectionKind {
  return (SELECTION_KINDS as readonly string[]).includes(value);
}

export function isIncidentCategory(value: string): value is IncidentCategory {
  return (INCIDENT_CATEGORIES as readonly string[]).includes(value);
}

export function isThermalRange(value: string): value is ThermalRange {
  return (THERMAL_RANGES as readonly string[]).includes(value);
}

export function isCoverageLayer(value: string): value is CoverageLayerKind {
  return (COVERAGE_LAYERS as readonly string[]).includes(value);
}
