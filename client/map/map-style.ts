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
import type { CameraCollection } from '../data/camera-features.js';
import type { ReferenceData } from '../data/reference-features.js';
import type { VOLCANIC_LEVELS, VolcanoWatchMap } from '../data/volcano-watch.js';
import { cameraSectors } from './camera-sectors.js';
import { MAP_LAYER_IDS, SOURCE_IDS } from './layer-ids.js';
import { MAP_THEME } from './map-theme.js';
import { REGION_COLORS, UNASSIGNED_REGION_COLOR } from './region-palette.js';

export interface MapStyleInput {
  overlays: AppState['overlays'];
  selection: AppState['selection'];
  data: ReferenceData;
  /** The camera network (empty until the cameras overlay first loads it). */
  cameras: CameraCollection;
  /** Alert level and latest temperature per monitored volcano (data/volcano-watch.ts). */
  volcanoWatch: VolcanoWatchMap;
  /** Absolute URL of the basemap folder, e.g. 'http://127.0.0.1:8080/tiles/basemap'. */
  basemapUrl: string;
  /** Absolute URL of the terrain TileJSON, e.g. 'http://127.0.0.1:8080/tiles/terrain/tiles.json'. */
  terrainUrl: string;
}

/** Cameras cluster up to this zoom; from the next one on each camera is drawn on its own. */
export const CAMERA_CLUSTER_MAX_ZOOM = 12;
/** Field-of-view sectors appear from this zoom (a 300 m sector is then ~40 px across). */
export const CAMERA_FOV_MIN_ZOOM = 13;
/** Vertical exaggeration of the 3D terrain: the Andes read as relief without looking like spikes. */
export const TERRAIN_EXAGGERATION = 1.3;

/** Credits of each source, shown by MapLibre's attribution control while the source is on screen. */
export const SOURCE_ATTRIBUTION = {
  naturalEarth: 'Natural Earth',
  boundaries: 'INEC / OCHA',
  volcanoes: 'Smithsonian GVP',
  terrain: 'SRTM, NASA',
} as const;

export function buildMapStyle(input: MapStyleInput): StyleSpecification {
  const { overlays, selection, data, cameras, volcanoWatch, basemapUrl, terrainUrl } = input;
  const terrainOn = overlays.has('terrain');
  // Under the density hexagons the region colours would mix with the count colours: fainter then.
  const regionFillOpacity = MAP_THEME.regionFillOpacity * (overlays.has('density') ? 0.35 : 1);
  const cameraColor = cameraKindColorExpression();
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
    ...(terrainOn
      ? [
          {
            id: MAP_LAYER_IDS.terrainHillshade,
            type: 'hillshade',
            source: SOURCE_IDS.hillshadeDem,
            paint: {
              'hillshade-exaggeration': 0.55,
              'hillshade-shadow-color': '#05090D',
              'hillshade-highlight-color': '#6F8194',
              'hillshade-accent-color': '#141C24',
            },
          } satisfies LayerSpecification,
        ]
      : []),
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
          regionFillOpacity,
          9,
          regionFillOpacity * 0.6,
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
      id: MAP_LAYER_IDS.camerasFovFill,
      type: 'fill',
      source: SOURCE_IDS.cameraFov,
      minzoom: CAMERA_FOV_MIN_ZOOM,
      layout: { visibility: visible('cameras') },
      paint: {
        'fill-color': cameraColor,
        'fill-opacity': ['match', ['get', 'status'], 'online', 0.1, 0.04],
        'fill-antialias': false,
      },
    },
    {
      id: MAP_LAYER_IDS.camerasFovLine,
      type: 'line',
      source: SOURCE_IDS.cameraFov,
      minzoom: CAMERA_FOV_MIN_ZOOM,
      layout: { visibility: visible('cameras'), 'line-join': 'round' },
      paint: {
        'line-color': cameraColor,
        'line-opacity': ['match', ['get', 'status'], 'online', 0.55, 0.3],
        'line-width': 0.8,
      },
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
      id: MAP_LAYER_IDS.camerasClusterCircle,
      type: 'circle',
      source: SOURCE_IDS.cameras,
      filter: ['has', 'point_count'],
      layout: { visibility: visible('cameras') },
      paint: {
        'circle-color': MAP_THEME.camera.clusterFill,
        'circle-opacity': 0.92,
        'circle-radius': ['step', ['get', 'point_count'], 11, 10, 13, 50, 16, 200, 19, 1000, 23],
        'circle-stroke-color': MAP_THEME.camera.clusterStroke,
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: MAP_LAYER_IDS.camerasClusterCount,
      type: 'symbol',
      source: SOURCE_IDS.cameras,
      filter: ['has', 'point_count'],
      layout: {
        visibility: visible('cameras'),
        'icon-image': ['concat', 'cluster-count:', ['get', 'point_count_abbreviated']],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      },
    },
    {
      id: MAP_LAYER_IDS.camerasSelectedCircle,
      type: 'circle',
      source: SOURCE_IDS.cameras,
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'externalId'], selectedId]],
      layout: { visibility: selected('camera') },
      paint: haloPaint(8),
    },
    {
      id: MAP_LAYER_IDS.camerasPoint,
      type: 'symbol',
      source: SOURCE_IDS.cameras,
      filter: ['!', ['has', 'point_count']],
      layout: {
        visibility: visible('cameras'),
        'icon-image': ['concat', 'camera:', ['get', 'kind'], ':', ['get', 'status']],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        // Working cameras on top where symbols overlap; thermal ones above all (they watch volcanoes).
        'symbol-sort-key': [
          '+',
          ['match', ['get', 'status'], 'online', 10, 0],
          ['match', ['get', 'kind'], 'thermal', 5, 0],
        ],
        'icon-size': ['interpolate', ['linear'], ['zoom'], CAMERA_CLUSTER_MAX_ZOOM, 0.8, 16, 1.1],
      },
    },
    alertRingLayer(volcanoWatch, visible('volcanoes')),
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
    ...(terrainOn ? { terrain: { source: SOURCE_IDS.terrainDem, exaggeration: TERRAIN_EXAGGERATION } } : {}),
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
      [SOURCE_IDS.cameras]: {
        type: 'geojson',
        data: cameras,
        cluster: true,
        clusterMaxZoom: CAMERA_CLUSTER_MAX_ZOOM,
        clusterRadius: 52,
      },
      [SOURCE_IDS.cameraFov]: { type: 'geojson', data: cameraSectors(cameras) },
      // Terrain and hillshade read the same tiles through two sources: MapLibre warns that one
      // source for both degrades the hillshade.
      ...(terrainOn
        ? {
            [SOURCE_IDS.terrainDem]: {
              type: 'raster-dem',
              url: terrainUrl,
              encoding: 'terrarium',
              tileSize: 256,
              attribution: SOURCE_ATTRIBUTION.terrain,
            },
            [SOURCE_IDS.hillshadeDem]: {
              type: 'raster-dem',
              url: terrainUrl,
              encoding: 'terrarium',
              tileSize: 256,
            },
          }
        : {}),
    },
    layers,
  };
}

/**
 * The ring round each volcano with a thermal alert firing: colour and width of its level, by GVP
 * number. Volcanoes without an alert match nothing and draw no ring.
 */
function alertRingLayer(watch: VolcanoWatchMap, visibility: 'visible' | 'none'): LayerSpecification {
  const levels = [...watch].filter(([, w]) => w.level !== null) as [
    number,
    { level: (typeof VOLCANIC_LEVELS)[number] },
  ][];
  // A 'match' needs at least one label: without alerts the ring layer's filter matches nothing anyway.
  const byLevel = <T extends string | number>(
    pick: (level: (typeof VOLCANIC_LEVELS)[number]) => T,
    fallback: T,
  ) =>
    (levels.length === 0
      ? fallback
      : [
          'match',
          ['get', 'gvpNumber'],
          ...levels.flatMap(([gvp, w]) => [gvp, pick(w.level)]),
          fallback,
        ]) as unknown as ExpressionSpecification;
  return {
    id: MAP_LAYER_IDS.volcanoesAlertRing,
    type: 'circle',
    source: SOURCE_IDS.volcanoes,
    filter: ['in', ['get', 'gvpNumber'], ['literal', levels.map(([gvp]) => gvp)]] as FilterSpecification,
    layout: { visibility },
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 9, 10, 13],
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': byLevel(
        (level) => MAP_THEME.alertLevel[level].color,
        MAP_THEME.alertLevel.white.color,
      ),
      'circle-stroke-width': byLevel((level) => MAP_THEME.alertLevel[level].width, 0),
    },
  };
}

/** A 'match' on a camera's kind giving its colour (map-theme.ts). */
function cameraKindColorExpression(): ExpressionSpecification {
  const c = MAP_THEME.camera;
  return [
    'match',
    ['get', 'kind'],
    'dome',
    c.dome,
    'fixed',
    c.fixed,
    'ptz',
    c.ptz,
    'thermal',
    c.thermal,
    '#9AA5B1',
  ];
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
