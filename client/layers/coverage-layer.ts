/**
 * The coverage overlay: the terrain-aware coverage raster of the map's view (how many cameras see
 * each place, or the best DORI class) as a deck.gl BitmapLayer, and the largest gaps in covered
 * demand as outlined polygons with a ranked ring at their centre, visible at any zoom.
 *
 * Colours: classes of the plasma scale (van der Walt & Smith, matplotlib, 2015), perceptually
 * uniform with lightness rising monotonically, so the classes stay in order in greyscale and
 * under the common colour-vision deficiencies; its darkest third is skipped, which would vanish on
 * the dark basemap. Plasma, not the density layer's viridis, so the two overlays do not read alike.
 * Gaps are in Okabe–Ito vermillion, a hue the scale does not use.
 */
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { BitmapLayer, GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { interpolatePlasma, rgb } from 'd3';
import type { CoverageLayerKind, CoverageRaster, GapCollection } from '../data/coverage-client.js';
import { DECK_LAYER_IDS, MAP_LAYER_IDS } from '../map/layer-ids.js';
import { LABEL_TEXT_PROPS } from './label-style.js';

type Rgb = [number, number, number];

/**
 * Classes of the camera count: 1, 2, 3–4, 5–9, 10 or more. One camera is most of the network's
 * coverage; the upper classes show where cameras overlap (city centres).
 */
export const COUNT_CLASSES: readonly { min: number; max: number }[] = [
  { min: 1, max: 1 },
  { min: 2, max: 2 },
  { min: 3, max: 4 },
  { min: 5, max: 9 },
  { min: 10, max: 255 },
];

/** DORI classes drawn (EN 62676-4; index as in server/coverage/dori.ts, 0 none is not drawn). */
export const DORI_CLASSES = ['detect', 'observe', 'recognise', 'identify'] as const;

/** Where on plasma (0–1) the first class sits; the last sits at 1 (yellow). */
export const COVERAGE_RAMP_START = 0.3;

/** Opacity of the raster over the basemap. */
export const COVERAGE_OPACITY = 0.85;

/** Okabe–Ito vermillion: the outline and ring of a gap. */
export const GAP_COLOR: Rgb = [213, 94, 0];

function plasmaAt(t: number): Rgb {
  const c = rgb(interpolatePlasma(t));
  return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
}

/** The colours of the classes of a layer, lowest first. */
export function classColors(layer: CoverageLayerKind): Rgb[] {
  const n = layer === 'counts' ? COUNT_CLASSES.length : DORI_CLASSES.length;
  return Array.from({ length: n }, (_, i) =>
    plasmaAt(COVERAGE_RAMP_START + ((1 - COVERAGE_RAMP_START) * i) / (n - 1)),
  );
}

/**
 * The class of a raster value (0-based), or −1 for nothing drawn: counts by COUNT_CLASSES; a DORI
 * value 1–4 is class 0–3.
 */
export function valueClass(value: number, layer: CoverageLayerKind): number {
  if (!(value >= 1)) return -1;
  if (layer === 'dori') return value <= DORI_CLASSES.length ? Math.floor(value) - 1 : -1;
  return COUNT_CLASSES.findIndex((c) => value >= c.min && value <= c.max);
}

const lutCache = new Map<CoverageLayerKind, Uint8ClampedArray>();

/** RGBA of each byte value 0–255 for a layer: transparent for 0, the class colour otherwise. */
export function coverageLut(layer: CoverageLayerKind): Uint8ClampedArray {
  const cached = lutCache.get(layer);
  if (cached) return cached;
  const colors = classColors(layer);
  const lut = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) {
    const k = valueClass(v, layer);
    if (k < 0) continue;
    lut.set([...colors[k]!, 255], v * 4);
  }
  lutCache.set(layer, lut);
  return lut;
}

/** The raster's bytes as RGBA pixels (row-major, top row north) through the layer's colour table. */
export function rasterRgba(values: Uint8Array, layer: CoverageLayerKind): Uint8ClampedArray<ArrayBuffer> {
  const lut = coverageLut(layer);
  const out = new Uint8ClampedArray(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) {
    const o = values[i]! * 4;
    out[i * 4] = lut[o]!;
    out[i * 4 + 1] = lut[o + 1]!;
    out[i * 4 + 2] = lut[o + 2]!;
    out[i * 4 + 3] = lut[o + 3]!;
  }
  return out;
}

/** A CSS colour of a class, for the legend. */
export function classCss(layer: CoverageLayerKind, k: number): string {
  const c = classColors(layer)[k];
  return c ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : 'transparent';
}

const images = new WeakMap<CoverageRaster, ImageData>();

function imageOf(raster: CoverageRaster): ImageData {
  let image = images.get(raster);
  if (!image) {
    image = new ImageData(rasterRgba(raster.values, raster.layer), raster.width, raster.height);
    images.set(raster, image);
  }
  return image;
}

type GapFeature = GapCollection['features'][number];

/**
 * The coverage overlay's deck.gl layers: the raster (drawn under the province lines) and the
 * gaps. `raster` is what to draw (the network's, or a what-if's); nothing is drawn while it is null.
 */
export function buildCoverageLayers(
  visible: boolean,
  raster: CoverageRaster | null,
  gaps: GapCollection | null,
): Layer[] {
  if (!visible) return [];
  const layers: Layer[] = [];
  if (raster) {
    const [west, south, east, north] = raster.bbox;
    layers.push(
      new BitmapLayer({
        id: DECK_LAYER_IDS.coverageRaster,
        // Read by MapboxOverlay (interleaved) to draw the layer before a MapLibre layer.
        ...({ beforeId: MAP_LAYER_IDS.provincesLine } as object),
        image: imageOf(raster),
        bounds: [west, south, east, north],
        // The raster's pixels are equal steps of longitude and latitude, not of Mercator y.
        _imageCoordinateSystem: COORDINATE_SYSTEM.LNGLAT,
        // Cells stay crisp squares; smoothing would invent counts between classes.
        textureParameters: { minFilter: 'nearest', magFilter: 'nearest' },
        opacity: COVERAGE_OPACITY,
        parameters: { depthCompare: 'always' },
        pickable: false,
      }),
    );
  }
  const features = gaps?.features ?? [];
  if (features.length > 0) {
    layers.push(
      new GeoJsonLayer<GapFeature['properties']>({
        id: DECK_LAYER_IDS.coverageGaps,
        data: gaps!,
        filled: true,
        stroked: true,
        getFillColor: [...GAP_COLOR, 45],
        getLineColor: [...GAP_COLOR, 200],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        pickable: false,
        parameters: { depthCompare: 'always' },
      }),
      new ScatterplotLayer<GapFeature>({
        id: DECK_LAYER_IDS.coverageGapMarks,
        data: features,
        getPosition: (f) => f.properties.centroid,
        radiusUnits: 'pixels',
        getRadius: 9,
        filled: true,
        getFillColor: [11, 22, 32, 200],
        stroked: true,
        getLineColor: [...GAP_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        pickable: true,
        parameters: { depthCompare: 'always' },
      }),
      new TextLayer<GapFeature>({
        ...LABEL_TEXT_PROPS,
        id: DECK_LAYER_IDS.coverageGapLabels,
        data: features,
        getPosition: (f) => f.properties.centroid,
        getText: (f) => String(f.properties.rank),
        getSize: 10.5,
        getColor: [255, 214, 190, 255],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        outlineWidth: 0,
      }),
    );
  }
  return layers;
}
