/**
 * Stable ids of every source and layer on the map. Tests, panels and later features refer to layers
 * by these ids (e.g. `map.queryRenderedFeatures({ layers: [MAP_LAYER_IDS.regionsFill] })`), so
 * renaming one is a breaking change.
 *
 * MapLibre layers, bottom to top:
 *   background              ocean colour
 *   land-fill               Natural Earth land (tiles/basemap/land.geojson)
 *   terrain-hillshade       hillshade of the SRTM terrain tiles (overlay "terrain", which also
 *                           turns on MapLibre's 3D terrain from source terrain-dem)
 *   regions-fill            the 16 regional centers' areas, coloured by center (overlay "regions")
 *   provinces-fill          invisible hit area for clicking a province (overlay "provinces")
 *   [incident-density]      deck.gl hexagons are drawn here, between the region fill and the lines
 *   provinces-line          province boundaries (overlay "provinces")
 *   regions-line            region outlines (overlay "regions")
 *   coastline-line          Natural Earth coastline
 *   country-borders-line    Natural Earth land borders between countries
 *   cameras-fov-fill        field-of-view sectors of the cameras, from zoom 13 (overlay "cameras")
 *   cameras-fov-line        their outlines
 *   provinces-selected-line outline of the selected province
 *   regions-selected-line   outline of the selected region
 *   centers-selected-circle halo of the selected center
 *   centers-circle          the 16 centers (overlay "centers")
 *   cameras-cluster-circle  clusters of cameras up to zoom 12 (overlay "cameras")
 *   cameras-cluster-count   their counts (images drawn on demand, client/map/style-images.ts)
 *   cameras-selected-circle halo of the selected camera
 *   cameras-point           single cameras: shape and colour by kind, fill by status
 *   volcanoes-alert-ring    ring round a monitored volcano with a thermal alert firing, in its
 *                           level's colour and wider the higher the level (overlay "volcanoes")
 *   volcanoes-selected-circle halo of the selected volcano
 *   volcanoes-circle        Holocene volcanoes, monitored ones larger (overlay "volcanoes")
 * deck.gl layers (MapboxOverlay, interleaved; above all of these unless said otherwise):
 *   incident-density        H3 hexagons coloured by incident count (overlay "density"), drawn
 *                           before provinces-line
 *   coverage-raster         cameras seeing each place, or the best DORI class, over the view
 *                           (overlay "coverage"; a what-if's while a scenario is on), drawn
 *                           before provinces-line
 *   geography-labels        country, ocean and archipelago names
 *   centers-label           center city names (overlay "centers")
 *   volcanoes-label         volcano names (overlay "volcanoes")
 *   coverage-gaps           the largest clusters of uncovered incident demand (overlay "coverage")
 *   coverage-gap-marks      a ring at each gap's centre, and coverage-gap-labels its rank
 *   scenario-lost           cells a what-if would stop seeing, scenario-gained those it would see
 *   siting-new-coverage     what each proposed site newly sees
 *   siting-candidates       candidate sites drawn on the map
 *   siting-sites            proposed sites, numbered by rank (siting-site-labels)
 *   alert-markers-pulse     ring pulsing out of each firing alert not yet acknowledged (overlay "alerts")
 *   alert-markers           firing alerts, a dot in the severity's colour at the alert's place
 *   alert-markers-selected  ring round the alert selected in the alerts panel
 */
import type { OverlayId } from '../state/app-state.js';

export const SOURCE_IDS = {
  land: 'basemap-land',
  coastline: 'basemap-coastline',
  borders: 'basemap-borders',
  provinces: 'provinces',
  regions: 'regions',
  centers: 'centers',
  volcanoes: 'volcanoes',
  cameras: 'cameras',
  cameraFov: 'cameras-fov',
  terrainDem: 'terrain-dem',
  hillshadeDem: 'terrain-hillshade-dem',
} as const;

export const MAP_LAYER_IDS = {
  background: 'background',
  landFill: 'land-fill',
  terrainHillshade: 'terrain-hillshade',
  regionsFill: 'regions-fill',
  provincesFill: 'provinces-fill',
  provincesLine: 'provinces-line',
  regionsLine: 'regions-line',
  coastlineLine: 'coastline-line',
  countryBordersLine: 'country-borders-line',
  camerasFovFill: 'cameras-fov-fill',
  camerasFovLine: 'cameras-fov-line',
  provincesSelectedLine: 'provinces-selected-line',
  regionsSelectedLine: 'regions-selected-line',
  centersSelectedCircle: 'centers-selected-circle',
  centersCircle: 'centers-circle',
  camerasClusterCircle: 'cameras-cluster-circle',
  camerasClusterCount: 'cameras-cluster-count',
  camerasSelectedCircle: 'cameras-selected-circle',
  camerasPoint: 'cameras-point',
  volcanoesAlertRing: 'volcanoes-alert-ring',
  volcanoesSelectedCircle: 'volcanoes-selected-circle',
  volcanoesCircle: 'volcanoes-circle',
} as const;

export const DECK_LAYER_IDS = {
  incidentDensity: 'incident-density',
  geographyLabels: 'geography-labels',
  centersLabel: 'centers-label',
  volcanoesLabel: 'volcanoes-label',
  alertPulse: 'alert-markers-pulse',
  alertMarkers: 'alert-markers',
  alertSelected: 'alert-markers-selected',
  coverageRaster: 'coverage-raster',
  coverageGaps: 'coverage-gaps',
  coverageGapMarks: 'coverage-gap-marks',
  coverageGapLabels: 'coverage-gap-labels',
  scenarioLost: 'scenario-lost',
  scenarioGained: 'scenario-gained',
  sitingCoverage: 'siting-new-coverage',
  sitingCandidates: 'siting-candidates',
  sitingSites: 'siting-sites',
  sitingLabels: 'siting-site-labels',
} as const;

/** The MapLibre and deck.gl layers each overlay switches on and off. */
export const OVERLAY_LAYERS: Readonly<
  Record<OverlayId, { map: readonly string[]; deck: readonly string[] }>
> = {
  terrain: { map: [MAP_LAYER_IDS.terrainHillshade], deck: [] },
  regions: { map: [MAP_LAYER_IDS.regionsFill, MAP_LAYER_IDS.regionsLine], deck: [] },
  provinces: { map: [MAP_LAYER_IDS.provincesFill, MAP_LAYER_IDS.provincesLine], deck: [] },
  density: { map: [], deck: [DECK_LAYER_IDS.incidentDensity] },
  coverage: {
    map: [],
    deck: [
      DECK_LAYER_IDS.coverageRaster,
      DECK_LAYER_IDS.coverageGaps,
      DECK_LAYER_IDS.coverageGapMarks,
      DECK_LAYER_IDS.coverageGapLabels,
      DECK_LAYER_IDS.scenarioLost,
      DECK_LAYER_IDS.scenarioGained,
      DECK_LAYER_IDS.sitingCoverage,
      DECK_LAYER_IDS.sitingCandidates,
      DECK_LAYER_IDS.sitingSites,
      DECK_LAYER_IDS.sitingLabels,
    ],
  },
  cameras: {
    map: [
      MAP_LAYER_IDS.camerasFovFill,
      MAP_LAYER_IDS.camerasFovLine,
      MAP_LAYER_IDS.camerasClusterCircle,
      MAP_LAYER_IDS.camerasClusterCount,
      MAP_LAYER_IDS.camerasPoint,
    ],
    deck: [],
  },
  centers: { map: [MAP_LAYER_IDS.centersCircle], deck: [DECK_LAYER_IDS.centersLabel] },
  volcanoes: {
    map: [MAP_LAYER_IDS.volcanoesAlertRing, MAP_LAYER_IDS.volcanoesCircle],
    deck: [DECK_LAYER_IDS.volcanoesLabel],
  },
  alerts: {
    map: [],
    deck: [DECK_LAYER_IDS.alertPulse, DECK_LAYER_IDS.alertMarkers, DECK_LAYER_IDS.alertSelected],
  },
};

/** Layers a click can select, in priority order (points before areas). */
export const CLICKABLE_LAYERS = [
  MAP_LAYER_IDS.camerasPoint,
  MAP_LAYER_IDS.volcanoesCircle,
  MAP_LAYER_IDS.centersCircle,
  MAP_LAYER_IDS.regionsFill,
  MAP_LAYER_IDS.provincesFill,
] as const;
