/**
 * Builds Atalaya's MapLibre style from the app state and the loaded reference data. A pure
 * function: the map applies each new style with `map.setStyle(style, { diff: true })`, which turns
 * the difference into visibility, filter and data updates.
 *
 * The style references no glyphs, sprites or remote tiles: every source is GeoJSON from this
 * origin (the basemap files under /tiles/basemap, the reference data from /api), and text is
 * drawn by deck.gl (client/layers/), so nothing leaves the host at run time.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { AppState, OverlayId } from '../state/app-state.js';
import type { ReferenceData } from '../data/reference-features.js';
import { MAP_LAYER_IDS, SOURCE_IDS } from './layer-ids.js';
import { MAP_THEME } from './map-theme.js';
import { REGION_COLORS, UNASSIGNED_REGION_COLOR } from './region-palette.js';

export interface MapStyleInput {
  overlays: AppState['overlays'];
  selection: AppState['selection'];
  data: ReferenceData;
  /** Absolute URL of the basemap folder, e.g. 'http://127.0.0.1:8080/tiles/basemap'. */
  basemapUrl: string;
}

/** Credits of each source, shown by MapLibre's attribution control while the source is on screen. */
export const SOURCE_ATTRIBUTION = {
  naturalEarth: 'Natural Earth',
  boundaries: 'INEC / OCHA',
  volcanoes: 'Smithsonian GVP',
} as const;

export function buildMapStyle(input: MapStyleInput): StyleSpecification {
  const { overlays, selection, data, basemapUrl } = input;
  const visible = (overlay: OverlayId): 'visible' | 'none' => (overlays.has(overlay) ? 'visible' : 'none');
  const selected = (kind: NonNullable<AppState['selection']>['kind']): 'visible' | 'none' =>
    selection?.kind === kind ? 'visible' : 'none';
  const selectedId = selection?.id ?? '';
  const regionColor = regionColorExpression();

  const layers: LayerSpecification[] = [
    { id: MAP_LAYER_IDS.background, type: 'background', paint: { 'background-color': MAP_THEME.ocean } },
    {
      id: MAP_LAYER_IDS.landFill,
      type: 'fill',
      source: SOURCE_IDS.land,
      paint: { 'fill-color': MAP_THEME.land, 'fill-antialias': false },
    },
    {
      id: MAP_LAYER_IDS.regionsFill,
      type: 'fill',
      source: SOURCE_IDS.regions,
      layout: { visibility: visible('regions') },
      paint: {
        'fill-color': regionColor,
        // Lighter as the map zooms in, where the fill covers most of the screen and other layers need the contrast.
        'fill-opacity': [
          'interpolate',
          ['linear'],
          ['zoom'],
          5,
          MAP_THEME.regionFillOpacity,
          9,
          MAP_THEME.regionFillOpacity * 0.6,
        ],
        'fill-antialias': false,
      },
    },
    {
      id: MAP_LAYER_IDS.provincesFill,
      type: 'fill',
      source: SOURCE_IDS.provinces,
      layout: { visibility: visible('provinces') },
      // Invisible: a hit area so a click inside a province can select it.
      paint: { 'fill-color': '#000000', 'fill-opacity': 0 },
    },
    {
      id: MAP_LAYER_IDS.provincesLine,
      type: 'line',
      source: SOURCE_IDS.provinces,
      layout: { visibility: visible('provinces'), 'line-join': 'round' },
      paint: {
        'line-color': MAP_THEME.provinceLine,
        'line-opacity': 0.45,
        'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.5, 10, 1.2],
      },
    },
    {
      id: MAP_LAYER_IDS.regionsLine,
      type: 'line',
      source: SOURCE_IDS.regions,
      layout: { visibility: visible('regions'), 'line-join': 'round' },
      paint: {
        'line-color': regionColor,
        'line-width': ['interpolate', ['linear'], ['zoom'], 5, MAP_THEME.regionLineWidth, 10, 3],
        'line-opacity': 0.95,
      },
    },
    {
      id: MAP_LAYER_IDS.coastlineLine,
      type: 'line',
      source: SOURCE_IDS.coastline,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': MAP_THEME.coastline, 'line-width': 0.8 },
    },
    {
      id: MAP_LAYER_IDS.countryBordersLine,
      type: 'line',
      source: SOURCE_IDS.borders,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': MAP_THEME.countryBorder, 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: MAP_LAYER_IDS.provincesSelectedLine,
      type: 'line',
      source: SOURCE_IDS.provinces,
      filter: ['==', ['get', 'code'], selectedId] as FilterSpecification,
      layout: { visibility: selected('province'), 'line-join': 'round' },
      paint: { 'line-color': MAP_THEME.selectedLine, 'line-width': 2.5 },
    },
    {
      id: MAP_LAYER_IDS.regionsSelectedLine,
      type: 'line',
      source: SOURCE_IDS.regions,
      filter: ['==', ['get', 'centerId'], selectedId] as FilterSpecification,
      layout: { visibility: selected('region'), 'line-join': 'round' },
      paint: { 'line-color': MAP_THEME.selectedLine, 'line-width': 3 },
    },
    {
      id: MAP_LAYER_IDS.centersSelectedCircle,
      type: 'circle',
      source: SOURCE_IDS.centers,
      filter: ['==', ['get', 'id'], selectedId] as FilterSpecification,
      layout: { visibility: selected('center') },
      paint: haloPaint(MAP_THEME.center.zonalRadius),
    },
    {
      id: MAP_LAYER_IDS.centersCircle,
      type: 'circle',
      source: SOURCE_IDS.centers,
      layout: { visibility: visible('centers') },
      paint: {
        'circle-color': MAP_THEME.center.fill,
        'circle-radius': [
          'match',
          ['get', 'kind'],
          'zonal',
          MAP_THEME.center.zonalRadius,
          MAP_THEME.center.localRadius,
        ],
        'circle-stroke-color': regionColor,
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: MAP_LAYER_IDS.volcanoesSelectedCircle,
      type: 'circle',
      source: SOURCE_IDS.volcanoes,
      filter: ['==', ['to-string', ['get', 'gvpNumber']], selectedId] as FilterSpecification,
      layout: { visibility: selected('volcano') },
      paint: haloPaint(6),
    },
    {
      id: MAP_LAYER_IDS.volcanoesCircle,
      type: 'circle',
      source: SOURCE_IDS.volcanoes,
      layout: {
        visibility: visible('volcanoes'),
        // Monitored volcanoes on top where symbols overlap.
        'circle-sort-key': ['case', ['get', 'monitored'], 1, 0],
      },
      paint: {
        'circle-color': [
          'case',
          ['get', 'monitored'],
          MAP_THEME.volcano.monitoredFill,
          MAP_THEME.volcano.otherFill,
        ],
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['zoom'],
          5,
          ['case', ['get', 'monitored'], 5, 3],
          10,
          ['case', ['get', 'monitored'], 8, 5],
        ],
        'circle-stroke-color': [
          'case',
          ['get', 'monitored'],
          MAP_THEME.volcano.monitoredStroke,
          MAP_THEME.volcano.otherStroke,
        ],
        'circle-stroke-width': ['case', ['get', 'monitored'], 1.5, 1],
      },
    },
  ];

  return {
    version: 8,
    name: 'Atalaya',
    sources: {
      [SOURCE_IDS.land]: {
        type: 'geojson',
        data: `${basemapUrl}/land.geojson`,
        attribution: SOURCE_ATTRIBUTION.naturalEarth,
      },
      [SOURCE_IDS.coastline]: { type: 'geojson', data: `${basemapUrl}/coastline.geojson` },
      [SOURCE_IDS.borders]: { type: 'geojson', data: `${basemapUrl}/borders.geojson` },
      [SOURCE_IDS.provinces]: {
        type: 'geojson',
        data: data.provinces,
        attribution: SOURCE_ATTRIBUTION.boundaries,
      },
      [SOURCE_IDS.regions]: {
        type: 'geojson',
        data: data.regions,
        attribution: SOURCE_ATTRIBUTION.boundaries,
      },
      [SOURCE_IDS.centers]: { type: 'geojson', data: data.centers },
      [SOURCE_IDS.volcanoes]: {
        type: 'geojson',
        data: data.volcanoes,
        attribution: SOURCE_ATTRIBUTION.volcanoes,
      },
    },
    layers,
  };
}

/** A 'match' on the feature's center id giving its region colour (region-palette.ts). */
function regionColorExpression(): ExpressionSpecification {
  const pairs = Object.entries(REGION_COLORS).flat();
  return [
    'match',
    ['coalesce', ['get', 'centerId'], ['get', 'id']],
    ...pairs,
    UNASSIGNED_REGION_COLOR,
  ] as unknown as ExpressionSpecification;
}

function haloPaint(radius: number): Extract<LayerSpecification, { type: 'circle' }>['paint'] {
  return {
    'circle-radius': radius + 7,
    'circle-color': 'rgba(255,255,255,0.12)',
    'circle-stroke-color': MAP_THEME.selectedLine,
    'circle-stroke-width': 2,
  };
}
