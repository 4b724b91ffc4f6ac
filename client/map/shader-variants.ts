/**
 * Fewer WebGL programs for the same picture. MapLibre compiles one program per layer type *and* per
 * mix of constant and per-feature paint values (its "program configuration": a colour given as a
 * constant is a uniform, a colour read from the feature is a vertex attribute, and the two are
 * different shaders). The style mixes them — the land a constant fill, the regions a fill per
 * center; the provinces a constant line, the regions a line per center; centers and volcanoes
 * circles sized by different rules — so the first frame compiled two fill, two line and two circle
 * programs. Under software WebGL (SwiftShader) each costs ~250 ms of the first frame.
 * (An opaque constant fill, the land, keeps its own: see isOpaqueFill.)
 *
 * `shareShaderVariants` rewrites the paint so that every fill, line and circle layer asks for the
 * same configuration: a constant becomes an expression over the feature that gives that constant
 * for every feature. The map looks the same; only where the value lives (uniform or attribute) and
 * how many programs exist change. Layers drawn only at street zoom (camera sectors) keep their own.
 */
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';

/** A property no feature of the app carries: `['has', …]` on it is false for every feature. */
const NO_SUCH_PROPERTY = '__atalaya_none';

/** Paint properties made per feature, by layer type (the rest stay as the style gives them). */
const PER_FEATURE: Readonly<Partial<Record<LayerSpecification['type'], readonly string[]>>> = {
  fill: ['fill-color'],
  line: ['line-color'],
  circle: ['circle-color', 'circle-stroke-color', 'circle-stroke-width'],
};

/** Paint properties made to depend on zoom and feature both ("composite"), by layer type. */
const PER_ZOOM_AND_FEATURE: Readonly<Partial<Record<LayerSpecification['type'], readonly string[]>>> = {
  circle: ['circle-radius'],
};

/** Layers left as they are: drawn only from zoom 13, where one more program is no first-frame cost. */
const LEFT_ALONE: ReadonlySet<string> = new Set(['cameras-fov-fill', 'cameras-fov-line']);

/** Zoom range of the stops a constant radius is spread over (any two stops give the same value). */
const ZOOM_STOPS = [0, 24] as const;

type PaintValue = unknown;

/**
 * `value` for every feature, written as an expression that reads the feature, e.g.
 * `'#222B35'` → `['case', ['has', '__atalaya_none'], '#222B35', '#222B35']`.
 */
export function perFeature(value: PaintValue): ExpressionSpecification {
  return ['case', ['has', NO_SUCH_PROPERTY], value, value] as unknown as ExpressionSpecification;
}

/** Whether an expression reads the feature (its properties, id or geometry type). */
export function readsFeature(value: PaintValue): boolean {
  if (!Array.isArray(value)) return false;
  const [op, ...args] = value as unknown[];
  if (op === 'literal') return false;
  if (op === 'get' || op === 'has') return args.length === 1;
  if (op === 'properties' || op === 'id' || op === 'geometry-type' || op === 'feature-state') return true;
  return args.some(readsFeature);
}

/** Whether an expression is a top-level interpolation or step over ['zoom']. */
function isZoomCurve(value: PaintValue): value is unknown[] {
  if (!Array.isArray(value)) return false;
  const [op] = value as unknown[];
  const input = op === 'interpolate' ? value[2] : op === 'step' ? value[1] : null;
  return Array.isArray(input) && input[0] === 'zoom';
}

/** A value or expression that reads the feature and gives the same result as `value`. */
function featureVarying(value: PaintValue): PaintValue {
  return readsFeature(value) ? value : perFeature(value);
}

/** The same value as `value`, written so that it depends on zoom and on the feature. */
function zoomAndFeatureVarying(value: PaintValue): PaintValue {
  if (isZoomCurve(value)) {
    if (readsFeature(value)) return value;
    const curve = [...value];
    // Stop outputs: after [op, interpolation, input] for interpolate, after [op, input, first] for step.
    const firstOutput = curve[0] === 'interpolate' ? 4 : 2;
    for (let i = firstOutput; i < curve.length; i += 2) curve[i] = perFeature(curve[i]);
    return curve;
  }
  const varying = featureVarying(value);
  return ['interpolate', ['linear'], ['zoom'], ZOOM_STOPS[0], varying, ZOOM_STOPS[1], varying];
}

/** Default of each rewritten paint property (MapLibre style specification v8), where the style omits it. */
const DEFAULTS: Readonly<Record<string, PaintValue>> = {
  'fill-color': '#000000',
  'line-color': '#000000',
  'circle-color': '#000000',
  'circle-stroke-color': '#000000',
  'circle-stroke-width': 0,
  'circle-radius': 5,
};

/**
 * Whether MapLibre draws a fill in its opaque pass (src/webgl/draw/draw_fill.ts): one constant,
 * fully opaque colour and opacity 1. Such a fill (the land) hides what lies under it from the
 * depth test, so the background is not shaded under it; it keeps its own program for that.
 */
export function isOpaqueFill(layer: LayerSpecification): boolean {
  if (layer.type !== 'fill') return false;
  const paint = (layer.paint ?? {}) as Record<string, unknown>;
  const color = paint['fill-color'];
  const opacity = paint['fill-opacity'] ?? 1;
  return (
    typeof color === 'string' &&
    /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) &&
    opacity === 1 &&
    paint['fill-pattern'] === undefined
  );
}

/** One layer with its fill, line and circle paint in the shared configuration. */
export function shareLayerVariant(layer: LayerSpecification): LayerSpecification {
  if (LEFT_ALONE.has(layer.id) || isOpaqueFill(layer)) return layer;
  const perFeatureKeys = PER_FEATURE[layer.type] ?? [];
  const compositeKeys = PER_ZOOM_AND_FEATURE[layer.type] ?? [];
  if (perFeatureKeys.length === 0 && compositeKeys.length === 0) return layer;
  const paint: Record<string, PaintValue> = { ...((layer as { paint?: object }).paint ?? {}) };
  for (const key of perFeatureKeys) paint[key] = featureVarying(paint[key] ?? DEFAULTS[key]);
  for (const key of compositeKeys) paint[key] = zoomAndFeatureVarying(paint[key] ?? DEFAULTS[key]);
  return { ...layer, paint } as LayerSpecification;
}

/** The style with every fill, line and circle layer in one shader configuration per type. */
export function shareShaderVariants(style: StyleSpecification): StyleSpecification {
  return { ...style, layers: style.layers.map(shareLayerVariant) };
}
