/**
 * The one place that touches MapLibre and deck.gl objects: creates the map, keeps it in step with
 * the stores (style and deck layers rebuilt from state by pure functions, camera mirrored both
 * ways) and turns clicks into selections.
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { PickingInfo } from '@deck.gl/core';
import bbox from '@turf/bbox';
import { formatNumber, t } from '../i18n.js';
import { buildDeckLayers, type DensityLayerBuilder } from '../layers/deck-layers.js';
import type { DensityCell } from '../layers/density-layer.js';
import type { CameraCollection } from '../data/camera-features.js';
import type { VolcanoWatchMap } from '../data/volcano-watch.js';
import { emptyCollection, type ReferenceData } from '../data/reference-features.js';
import type { AppState, Language, MapView, Selection } from '../state/app-state.js';
import { readyData, type RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { findFeature } from '../data/find-feature.js';
import type { AlertMarker } from '../layers/alert-markers.js';
import { createAlertMarkerDriver } from './alert-marker-driver.js';
import { mountPlannerMarkers } from '../layers/planner-markers.js';
import { buildPlannerLayers } from '../layers/siting-layer.js';
import { applyRegionChoropleth, regionChoroplethFor } from '../layers/region-choropleth.js';
import { plannerMapClick } from '../panels/planner-loader.js';
import { exposeTransformForDeck } from './deck-compat.js';
import { CLICKABLE_LAYERS, DECK_LAYER_IDS, MAP_LAYER_IDS, SOURCE_IDS } from './layer-ids.js';
import { pickSelection } from './pick-selection.js';
import { buildMapStyle } from './map-style.js';
import { shareShaderVariants } from './shader-variants.js';
import { skipSkyOutOfView } from './sky-pass.js';
import { SOFTWARE_PULSE_FRAME_MS, softwareWebGl } from './software-rendering.js';
import { drawStyleImage } from './style-images.js';
import { FIT_PADDING, MAX_BOUNDS, VIEW_PRESETS, type ViewPresetId } from './view-presets.js';

maplibregl.setWorkerUrl(workerUrl);
// Start the map's workers (fetch and compile their module) while the page boots, not when the map
// is created: on a cold load they were the last thing the first render waited for.
maplibregl.prewarm();

export interface MapController {
  map: maplibregl.Map;
  overlay: MapboxOverlay;
  /** Fits the map to a named extent. */
  goTo(preset: ViewPresetId): void;
  /** Fits the map to the selected feature's extent (regions, provinces) or centres it (points). */
  focusSelection(selection: Selection): void;
  destroy(): void;
}

export interface MountOptions {
  container: HTMLElement;
  app: Store<AppState>;
  runtime: Store<RuntimeState>;
  /** False when the URL carried no view: the map then fits the whole country to its size. */
  viewFromUrl: boolean;
}

// Stable empty collections, so that an unchanged "not loaded yet" source compares equal in the style diff.
const EMPTY: ReferenceData = {
  provinces: emptyCollection(),
  regions: emptyCollection(),
  centers: emptyCollection(),
  volcanoes: emptyCollection(),
};

const EMPTY_CAMERAS: CameraCollection = emptyCollection();
const NO_WATCH: VolcanoWatchMap = new Map();

/** Pitch the map tilts to when 3D terrain is switched on, degrees. */
const TERRAIN_PITCH = 55;

/** The data the map shows now: what has loaded, empty collections for the rest. */
function currentData(runtime: RuntimeState): ReferenceData {
  const d = runtime.datasets;
  return {
    provinces: readyData(d.provinces) ?? EMPTY.provinces,
    regions: readyData(d.regions) ?? EMPTY.regions,
    centers: readyData(d.centers) ?? EMPTY.centers,
    volcanoes: readyData(d.volcanoes) ?? EMPTY.volcanoes,
  };
}

function mapLocale(language: Language): Record<string, string> {
  return {
    'NavigationControl.ZoomIn': t(language, 'mapControl.zoomIn'),
    'NavigationControl.ZoomOut': t(language, 'mapControl.zoomOut'),
    'NavigationControl.ResetBearing': t(language, 'mapControl.resetBearing'),
    'AttributionControl.ToggleAttribution': t(language, 'mapControl.toggleAttribution'),
  };
}

export function mountMap({ container, app, runtime, viewFromUrl }: MountOptions): MapController {
  const basemapUrl = new URL('/tiles/basemap', window.location.origin).href;
  const terrainUrl = new URL('/tiles/terrain/tiles.json', window.location.origin).href;
  // One shader configuration per layer type (shader-variants.ts): fewer programs to compile.
  const styleFor = (state: AppState, rt: RuntimeState) =>
    shareShaderVariants(
      withRegionChoropleth(
        state,
        rt,
        buildMapStyle({
          overlays: state.overlays,
          selection: state.selection,
          data: currentData(rt),
          cameras: rt.cameras.data ?? EMPTY_CAMERAS,
          volcanoWatch: rt.volcanoWatch.data ?? NO_WATCH,
          basemapUrl,
          terrainUrl,
        }),
      ),
    );

  const initial = app.get();
  const initialRuntime = runtime.get();
  // No multisampling on a software renderer (software-rendering.ts): it more than doubled the frame time.
  const software = softwareWebGl();
  const map = new maplibregl.Map({
    container,
    style: styleFor(initial, initialRuntime),
    center: initial.view.center,
    zoom: initial.view.zoom,
    bearing: initial.view.bearing,
    pitch: initial.view.pitch,
    ...(viewFromUrl ? {} : { bounds: VIEW_PRESETS.national, fitBoundsOptions: { padding: FIT_PADDING } }),
    maxBounds: MAX_BOUNDS,
    attributionControl: false,
    locale: mapLocale(initial.language),
    maxPitch: 60,
    // The drawing buffer is not kept between frames (a copy per frame on software renderers): the
    // PNG snapshot reads the canvas inside a 'render' event (map-snapshot.ts).
    canvasContextAttributes: { preserveDrawingBuffer: false, antialias: !software },
  });

  exposeTransformForDeck(map);
  skipSkyOutOfView(map);
  // The style has no sprite: camera symbols and cluster counts are drawn when first needed.
  map.setMissingStyleImageResolver((id) => {
    if (map.hasImage(id)) return;
    const image = drawStyleImage(id, window.devicePixelRatio || 1);
    if (!image) return;
    map.addImage(
      id,
      { width: image.width, height: image.height, data: image.data },
      { pixelRatio: image.pixelRatio },
    );
  });
  const overlay = new MapboxOverlay({
    interleaved: true,
    layers: [],
    getTooltip: (info: PickingInfo<DensityCell>) => densityTooltip(info, app.get().language),
  });
  map.addControl(overlay);
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
  let attribution = addAttribution(map, initial.language);

  let styleLoaded = false;
  let lastStyleInputs: unknown[] = [];
  const syncStyle = () => {
    if (!styleLoaded) return;
    const state = app.get();
    const rt = runtime.get();
    const inputs = [
      state.overlays,
      state.selection,
      rt.datasets,
      rt.cameras.data,
      rt.volcanoWatch.data,
      state.regionMeasure,
      rt.regionStats.data,
    ];
    if (inputs.every((value, i) => value === lastStyleInputs[i])) return;
    lastStyleInputs = inputs;
    map.setStyle(styleFor(state, rt), { diff: true });
  };
  let densityBuilder: DensityLayerBuilder | null = null;
  let densityBuilderLoading = false;
  // The alert markers go on top of the other deck layers; their pulse redraws only itself.
  let baseDeckLayers: ReturnType<typeof buildDeckLayers> = [];
  const alertMarkers = createAlertMarkerDriver(
    () => overlay.setProps({ layers: [...baseDeckLayers, ...alertMarkers.layers()] }),
    software ? SOFTWARE_PULSE_FRAME_MS : undefined,
  );
  const syncDeck = () => {
    const state = app.get();
    const rt = runtime.get();
    if (state.overlays.has('density') && !densityBuilder && !densityBuilderLoading) {
      densityBuilderLoading = true;
      import('../layers/density-layer.js')
        .then((module) => {
          densityBuilder = module.buildDensityLayer;
          syncDeck();
        })
        .catch((error: unknown) => console.warn('density layer:', error))
        .finally(() => {
          densityBuilderLoading = false;
        });
    }
    baseDeckLayers = buildDeckLayers(
      state,
      currentData(rt),
      rt.density.data,
      densityBuilder,
      labelElevation(),
      rt.volcanoWatch.data,
    );
    baseDeckLayers.push(...buildPlannerLayers(state, rt.planner));
    alertMarkers.update(state, rt.alerts.list);
    overlay.setProps({ layers: [...baseDeckLayers, ...alertMarkers.layers()] });
  };
  // Labels follow the 3D terrain: their elevation is read from the terrain MapLibre has loaded, and
  // read again whenever the map settles with different ground under the labels (new DEM tiles).
  let elevationKey = 0;
  let elevationSignature = 0;
  const elevationAt = (position: [number, number]) => map.queryTerrainElevation(position) ?? 0;
  const labelElevation = () => (map.getTerrain() ? { at: elevationAt, key: elevationKey } : null);
  map.on('idle', () => {
    if (!map.getTerrain()) return;
    const rt = runtime.get();
    const points = [...currentData(rt).centers.features, ...currentData(rt).volcanoes.features];
    const signature = points.reduce(
      (sum, f) => sum + elevationAt(f.geometry.coordinates as [number, number]),
      0,
    );
    // Only on a change, so the repaint this causes does not loop through 'idle'.
    if (Math.abs(signature - elevationSignature) < 1) return;
    elevationSignature = signature;
    elevationKey += 1;
    syncDeck();
  });
  map.on('style.load', () => {
    styleLoaded = true;
    // What the constructor's style was built from; anything newer is applied by syncStyle now.
    lastStyleInputs = [
      initial.overlays,
      initial.selection,
      initialRuntime.datasets,
      initialRuntime.cameras.data,
      initialRuntime.volcanoWatch.data,
      initial.regionMeasure,
      initialRuntime.regionStats.data,
    ];
    syncStyle();
    syncDeck();
  });
  map.once('idle', () => runtime.set({ mapReady: true }));

  // Camera → state, once a move has ended (the URL need not follow every frame).
  const readView = (): MapView => {
    const c = map.getCenter();
    return { center: [c.lng, c.lat], zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
  };
  const readBounds = (): [number, number, number, number] => {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  };
  map.on('moveend', () => {
    const view = readView();
    runtime.set({ viewBounds: readBounds() });
    if (!sameView(view, app.get().view)) app.set({ view });
  });
  map.once('load', () => {
    runtime.set({ viewBounds: readBounds() });
    if (!viewFromUrl) app.set({ view: readView() });
  });

  const unsubscribeApp = app.subscribe((state, previous) => {
    if (state.view !== previous.view && !sameView(state.view, readView())) {
      // A view that did not come from the map (back button, edited link): jump there.
      map.jumpTo({
        center: state.view.center,
        zoom: state.view.zoom,
        bearing: state.view.bearing,
        pitch: state.view.pitch,
      });
    }
    if (state.overlays.has('terrain') !== previous.overlays.has('terrain')) {
      // 3D terrain reads as relief only when the map is tilted; flat again when it goes off.
      const on = state.overlays.has('terrain');
      if (on && map.getPitch() < 30) map.easeTo({ pitch: TERRAIN_PITCH, duration: 800 });
      if (!on && map.getPitch() > 0) map.easeTo({ pitch: 0, bearing: 0, duration: 800 });
    }
    if (state.language !== previous.language) {
      map._locale = { ...map._locale, ...mapLocale(state.language) };
      map.removeControl(attribution);
      attribution = addAttribution(map, state.language);
      map.getCanvas().setAttribute('aria-label', t(state.language, 'map.label'));
    }
    syncStyle();
    syncDeck();
  });
  const unsubscribeRuntime = runtime.subscribe((state, previous) => {
    if (
      state.datasets !== previous.datasets ||
      state.cameras.data !== previous.cameras.data ||
      state.volcanoWatch.data !== previous.volcanoWatch.data ||
      state.regionStats.data !== previous.regionStats.data
    ) {
      syncStyle();
      syncDeck();
    } else if (
      state.density.data !== previous.density.data ||
      state.alerts.list !== previous.alerts.list ||
      state.planner !== previous.planner
    ) {
      syncDeck();
    }
    if (state.health === 'ok' && previous.health === 'unreachable') reloadBasemap(map, basemapUrl);
  });
  // Without a listener MapLibre prints every failed request as an opaque error object.
  map.on('error', (event) => console.warn('map:', event.error?.message ?? event));

  map.on('click', (event) => {
    const { x, y } = event.point;
    // With a planner tool on, a click places a camera or a candidate site (not on a scenario marker).
    const onMarker = (event.originalEvent.target as Element | null)?.closest?.('.maplibregl-marker');
    if (onMarker) return;
    if (plannerMapClick(runtime, [event.lngLat.lng, event.lngLat.lat])) return;
    // An alert marker, drawn on top of everything, selects its alert in the alerts panel.
    const alert = pickAlert(x, y);
    if (alert) {
      app.set({ alert: alert.id, alertPanel: true });
      return;
    }
    const box: [[number, number], [number, number]] = [
      [x - 4, y - 4],
      [x + 4, y + 4],
    ];
    // A click on a cluster zooms to where it splits, instead of selecting.
    const cluster = map.getLayer(MAP_LAYER_IDS.camerasClusterCircle)
      ? map.queryRenderedFeatures(box, { layers: [MAP_LAYER_IDS.camerasClusterCircle] })[0]
      : undefined;
    if (cluster && cluster.geometry.type === 'Point') {
      const source = map.getSource<maplibregl.GeoJSONSource>(SOURCE_IDS.cameras);
      const center = cluster.geometry.coordinates as [number, number];
      void source?.getClusterExpansionZoom(Number(cluster.properties['cluster_id'])).then((zoom) => {
        map.easeTo({ center, zoom: Math.min(zoom + 0.5, 18), duration: 600 });
      });
      return;
    }
    const hits = map.queryRenderedFeatures(box, {
      layers: CLICKABLE_LAYERS.filter((id) => map.getLayer(id)),
    });
    app.set({ selection: pickSelection(hits) });
  });
  map.on('mousemove', (event) => {
    const { x, y } = event.point;
    if (runtime.get().planner.tool !== 'none') {
      map.getCanvas().style.cursor = 'crosshair';
      return;
    }
    const hits = map.queryRenderedFeatures(
      [
        [x - 4, y - 4],
        [x + 4, y + 4],
      ],
      {
        layers: [
          MAP_LAYER_IDS.volcanoesCircle,
          MAP_LAYER_IDS.centersCircle,
          MAP_LAYER_IDS.camerasPoint,
          MAP_LAYER_IDS.camerasClusterCircle,
        ].filter((id) => map.getLayer(id)),
      },
    );
    map.getCanvas().style.cursor = hits.length > 0 || pickAlert(x, y) ? 'pointer' : '';
  });
  const pickAlert = (x: number, y: number): AlertMarker | null => {
    if (!app.get().overlays.has('alerts') || runtime.get().alerts.list.byId.size === 0) return null;
    const info = overlay.pickObject({ x, y, radius: 4, layerIds: [DECK_LAYER_IDS.alertMarkers] });
    return (info?.object as AlertMarker | undefined) ?? null;
  };
  map.getCanvas().setAttribute('aria-label', t(initial.language, 'map.label'));
  const plannerMarkers = mountPlannerMarkers(map, app, runtime);

  const rightPadding = () => (app.get().selection ? FIT_PADDING.right + 340 : FIT_PADDING.right);

  return {
    map,
    overlay,
    goTo(preset) {
      map.fitBounds(VIEW_PRESETS[preset], {
        padding: { ...FIT_PADDING, right: rightPadding() },
        duration: 600,
      });
    },
    focusSelection(selection) {
      const rt = runtime.get();
      const feature = findFeature(currentData(rt), selection, rt.cameras.data);
      if (!feature) return;
      const padding = { ...FIT_PADDING, right: FIT_PADDING.right + 340 };
      if (feature.geometry.type === 'Point') {
        map.easeTo({
          center: feature.geometry.coordinates as [number, number],
          zoom: Math.max(map.getZoom(), selection.kind === 'camera' ? 15 : 8),
          duration: 600,
          padding,
        });
      } else {
        const [west, south, east, north] = bbox(feature);
        map.fitBounds([west, south, east, north], { padding, duration: 600, maxZoom: 9 });
      }
    },
    destroy() {
      alertMarkers.stop();
      plannerMarkers.stop();
      unsubscribeApp();
      unsubscribeRuntime();
      map.remove();
    },
  };
}

/** The style with the regions coloured by the chosen measure's figures (layers/region-choropleth.ts). */
function withRegionChoropleth(state: AppState, rt: RuntimeState, style: maplibregl.StyleSpecification) {
  const choropleth = regionChoroplethFor(state.regionMeasure, rt.regionStats.data);
  return applyRegionChoropleth(style, choropleth, state.overlays.has('density'));
}

/** The hover text of a density hexagon: its count, and that the data are synthetic when they are. */
function densityTooltip(info: PickingInfo<DensityCell>, language: Language) {
  if (!info.object || info.layer?.id !== DECK_LAYER_IDS.incidentDensity) return null;
  return {
    text: t(language, 'density.tooltip', { count: formatNumber(language, info.object.n) }),
    className: 'deck-tooltip-atalaya',
  };
}

/** Asks again for the basemap files, which failed if the page loaded while the server was down. */
function reloadBasemap(map: maplibregl.Map, basemapUrl: string): void {
  const files: [string, string][] = [
    [SOURCE_IDS.land, 'land'],
    [SOURCE_IDS.coastline, 'coastline'],
    [SOURCE_IDS.borders, 'borders'],
  ];
  for (const [id, name] of files) {
    map.getSource<maplibregl.GeoJSONSource>(id)?.setData(`${basemapUrl}/${name}.geojson`);
  }
}

function addAttribution(map: maplibregl.Map, language: Language): maplibregl.AttributionControl {
  const control = new maplibregl.AttributionControl({
    compact: false,
    customAttribution: [t(language, 'attribution.srtm'), t(language, 'attribution.note')],
  });
  map.addControl(control, 'bottom-right');
  return control;
}

/** Equal within what the URL keeps (about a pixel), so rounding does not cause move loops. */
function sameView(a: MapView, b: MapView): boolean {
  const pixelDeg = 360 / (512 * 2 ** Math.max(a.zoom, b.zoom));
  return (
    Math.abs(a.zoom - b.zoom) < 0.01 &&
    Math.abs(a.center[0] - b.center[0]) < pixelDeg &&
    Math.abs(a.center[1] - b.center[1]) < pixelDeg &&
    Math.abs(a.bearing - b.bearing) < 0.1 &&
    Math.abs(a.pitch - b.pitch) < 0.1
  );
}
