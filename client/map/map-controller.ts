/**
 * The one place that touches MapLibre and deck.gl objects: creates the map, keeps it in step with
 * the stores (style and deck layers rebuilt from state by pure functions, camera mirrored both
 * ways) and turns clicks into selections.
 */
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { MapboxOverlay } from '@deck.gl/mapbox';
import bbox from '@turf/bbox';
import { t } from '../i18n.js';
import { buildDeckLayers } from '../layers/deck-layers.js';
import { emptyCollection, type ReferenceData } from '../data/reference-features.js';
import type { AppState, Language, MapView, Selection } from '../state/app-state.js';
import { readyData, type RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { findFeature } from '../data/find-feature.js';
import { exposeTransformForDeck } from './deck-compat.js';
import { CLICKABLE_LAYERS, MAP_LAYER_IDS, SOURCE_IDS } from './layer-ids.js';
import { pickSelection } from './pick-selection.js';
import { buildMapStyle } from './map-style.js';
import { FIT_PADDING, MAX_BOUNDS, VIEW_PRESETS, type ViewPresetId } from './view-presets.js';

maplibregl.setWorkerUrl(workerUrl);

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
  const styleFor = (state: AppState, rt: RuntimeState) =>
    buildMapStyle({
      overlays: state.overlays,
      selection: state.selection,
      data: currentData(rt),
      basemapUrl,
    });

  const initial = app.get();
  const initialRuntime = runtime.get();
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
    // Keep the drawing buffer so tests and users can screenshot the canvas.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  });

  exposeTransformForDeck(map);
  const overlay = new MapboxOverlay({ interleaved: true, layers: [] });
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
    const inputs = [state.overlays, state.selection, rt.datasets];
    if (inputs.every((value, i) => value === lastStyleInputs[i])) return;
    lastStyleInputs = inputs;
    map.setStyle(styleFor(state, rt), { diff: true });
  };
  const syncDeck = () => {
    overlay.setProps({ layers: buildDeckLayers(app.get(), currentData(runtime.get())) });
  };
  map.on('style.load', () => {
    styleLoaded = true;
    // What the constructor's style was built from; anything newer is applied by syncStyle now.
    lastStyleInputs = [initial.overlays, initial.selection, initialRuntime.datasets];
    syncStyle();
    syncDeck();
  });
  map.once('idle', () => runtime.set({ mapReady: true }));

  // Camera → state, once a move has ended (the URL need not follow every frame).
  const readView = (): MapView => {
    const c = map.getCenter();
    return { center: [c.lng, c.lat], zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
  };
  map.on('moveend', () => {
    const view = readView();
    if (!sameView(view, app.get().view)) app.set({ view });
  });
  if (!viewFromUrl) map.once('load', () => app.set({ view: readView() }));

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
    if (state.datasets !== previous.datasets) {
      syncStyle();
      syncDeck();
    }
    if (state.health === 'ok' && previous.health === 'unreachable') reloadBasemap(map, basemapUrl);
  });
  // Without a listener MapLibre prints every failed request as an opaque error object.
  map.on('error', (event) => console.warn('map:', event.error?.message ?? event));

  map.on('click', (event) => {
    const { x, y } = event.point;
    const hits = map.queryRenderedFeatures(
      [
        [x - 4, y - 4],
        [x + 4, y + 4],
      ],
      { layers: CLICKABLE_LAYERS.filter((id) => map.getLayer(id)) },
    );
    app.set({ selection: pickSelection(hits) });
  });
  map.on('mousemove', (event) => {
    const { x, y } = event.point;
    const hits = map.queryRenderedFeatures(
      [
        [x - 4, y - 4],
        [x + 4, y + 4],
      ],
      {
        layers: [MAP_LAYER_IDS.volcanoesCircle, MAP_LAYER_IDS.centersCircle].filter((id) => map.getLayer(id)),
      },
    );
    map.getCanvas().style.cursor = hits.length > 0 ? 'pointer' : '';
  });
  map.getCanvas().setAttribute('aria-label', t(initial.language, 'map.label'));

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
      const data = currentData(runtime.get());
      const feature = findFeature(data, selection);
      if (!feature) return;
      const padding = { ...FIT_PADDING, right: FIT_PADDING.right + 340 };
      if (feature.geometry.type === 'Point') {
        map.easeTo({
          center: feature.geometry.coordinates as [number, number],
          zoom: Math.max(map.getZoom(), 8),
          duration: 600,
          padding,
        });
      } else {
        const [west, south, east, north] = bbox(feature);
        map.fitBounds([west, south, east, north], { padding, duration: 600, maxZoom: 9 });
      }
    },
    destroy() {
      unsubscribeApp();
      unsubscribeRuntime();
      map.remove();
    },
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
