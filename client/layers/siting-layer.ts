/**
 * What the planner proposes, on the map: the sites a siting run chose (a numbered disc each, its
 * rank as in the table) with the ground each newly sees, the candidate sites drawn by hand, and a
 * what-if's cells gained and lost. Colours from the Okabe–Ito palette (Wong, Nature Methods 2011):
 * bluish green for what is gained, vermillion for what is lost, sky blue for drawn candidates.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, MultiPolygon } from 'geojson';
import type {
  GapCollection,
  NewCoverageCollection,
  SitingRow,
  WhatIfResult,
} from '../data/coverage-client.js';
import { DECK_LAYER_IDS } from '../map/layer-ids.js';
import { scenarioSize, type PlannerRuntime } from '../panels/planner-state.js';
import type { AppState } from '../state/app-state.js';
import { buildCoverageLayers } from './coverage-layer.js';
import { LABEL_TEXT_PROPS } from './label-style.js';

type Rgb = [number, number, number];

export const GAINED_COLOR: Rgb = [0, 158, 115];
export const LOST_COLOR: Rgb = [213, 94, 0];
export const CANDIDATE_COLOR: Rgb = [86, 180, 233];
/** The disc of a proposed site: light, so the dark rank reads on it; ringed in the gain colour. */
export const SITE_FILL: Rgb = [244, 247, 250];

export interface SitingLayerInput {
  /** Rows of the ranked table, and what each site newly sees. */
  sites: readonly SitingRow[];
  newCoverage: NewCoverageCollection | null;
  /** Rank ringed on the map (the table row under the pointer or focus). */
  highlightRank: number | null;
  /** Candidate sites drawn on the map, [lon, lat]. */
  candidates: readonly [number, number][];
  /** The what-if's cells gained and lost. */
  whatIf: Pick<WhatIfResult, 'gained' | 'lost'> | null;
}

/** The planner's proposals as deck.gl layers, drawn above the map's own layers. */
export function buildSitingLayers(input: SitingLayerInput): Layer[] {
  const layers: Layer[] = [];
  const { whatIf } = input;
  if (whatIf?.gained || whatIf?.lost) {
    const feature = (geometry: MultiPolygon | undefined): Feature<MultiPolygon>[] =>
      geometry && geometry.coordinates.length > 0 ? [{ type: 'Feature', geometry, properties: {} }] : [];
    layers.push(
      new GeoJsonLayer({
        id: DECK_LAYER_IDS.scenarioLost,
        data: feature(whatIf.lost),
        getFillColor: [...LOST_COLOR, 150],
        getLineColor: [...LOST_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        parameters: { depthCompare: 'always' },
      }),
      new GeoJsonLayer({
        id: DECK_LAYER_IDS.scenarioGained,
        data: feature(whatIf.gained),
        getFillColor: [...GAINED_COLOR, 150],
        getLineColor: [...GAINED_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        parameters: { depthCompare: 'always' },
      }),
    );
  }
  if (input.newCoverage && input.newCoverage.features.length > 0) {
    layers.push(
      new GeoJsonLayer({
        id: DECK_LAYER_IDS.sitingCoverage,
        data: input.newCoverage,
        getFillColor: (f) =>
          [...GAINED_COLOR, f.properties?.['rank'] === input.highlightRank ? 200 : 120] as [
            number,
            number,
            number,
            number,
          ],
        getLineColor: [...GAINED_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        updateTriggers: { getFillColor: [input.highlightRank] },
        parameters: { depthCompare: 'always' },
      }),
    );
  }
  if (input.candidates.length > 0) {
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: DECK_LAYER_IDS.sitingCandidates,
        data: input.candidates as [number, number][],
        getPosition: (p) => p,
        radiusUnits: 'pixels',
        getRadius: 5,
        filled: true,
        getFillColor: [11, 22, 32, 220],
        stroked: true,
        getLineColor: [...CANDIDATE_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        parameters: { depthCompare: 'always' },
      }),
    );
  }
  if (input.sites.length > 0) {
    const sites = input.sites as SitingRow[];
    layers.push(
      new ScatterplotLayer<SitingRow>({
        id: DECK_LAYER_IDS.sitingSites,
        data: sites,
        getPosition: (r) => [r.lon, r.lat],
        radiusUnits: 'pixels',
        getRadius: (r) => (r.rank === input.highlightRank ? 13 : 10),
        filled: true,
        getFillColor: [...SITE_FILL, 255],
        stroked: true,
        getLineColor: (r) => (r.rank === input.highlightRank ? [240, 228, 66, 255] : [...GAINED_COLOR, 255]),
        lineWidthUnits: 'pixels',
        getLineWidth: (r) => (r.rank === input.highlightRank ? 3.5 : 2.5),
        pickable: true,
        updateTriggers: {
          getRadius: [input.highlightRank],
          getLineColor: [input.highlightRank],
          getLineWidth: [input.highlightRank],
        },
        parameters: { depthCompare: 'always' },
      }),
      new TextLayer<SitingRow>({
        ...LABEL_TEXT_PROPS,
        id: DECK_LAYER_IDS.sitingLabels,
        data: sites,
        getPosition: (r) => [r.lon, r.lat],
        getText: (r) => String(r.rank),
        getSize: 11.5,
        getColor: [11, 22, 32, 255],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        outlineWidth: 0,
      }),
    );
  }
  return layers;
}

/**
 * Every deck.gl layer of the planner, from the app state and the planner's runtime: the coverage
 * raster (a what-if's while a scenario changes anything and its answer is in) and gaps, then the
 * proposals. Nothing while the coverage overlay is off.
 */
export function buildPlannerLayers(
  state: Pick<AppState, 'overlays' | 'coverageLayer' | 'view'>,
  planner: PlannerRuntime,
): Layer[] {
  if (!state.overlays.has('coverage')) return [];
  const inScenario = scenarioSize(planner.scenario) > 0;
  const scenarioRaster = inScenario ? (planner.whatIf.result?.raster ?? null) : null;
  const raster =
    scenarioRaster && scenarioRaster.layer === state.coverageLayer
      ? scenarioRaster
      : planner.raster.data && planner.raster.data.layer === state.coverageLayer
        ? planner.raster.data
        : null;
  return [
    ...buildCoverageLayers(true, raster, gapsAtZoom(planner.gaps.data, state.view.zoom)),
    ...buildSitingLayers({
      sites: planner.siting.result?.table ?? [],
      newCoverage: planner.siting.result?.newCoverage ?? null,
      highlightRank: planner.highlightRank,
      candidates: planner.candidates,
      whatIf: inScenario ? planner.whatIf.result : null,
    }),
  ];
}

/** Below this zoom only the GAPS_AT_LOW_ZOOM largest gaps are ringed: at national scale the rest overlap in the cities. */
export const GAPS_ALL_MIN_ZOOM = 8;
export const GAPS_AT_LOW_ZOOM = 10;

const fewGaps = new WeakMap<GapCollection, GapCollection>();

function gapsAtZoom(gaps: GapCollection | null, zoom: number): GapCollection | null {
  if (!gaps || zoom >= GAPS_ALL_MIN_ZOOM) return gaps;
  let few = fewGaps.get(gaps);
  if (!few) {
    few = { ...gaps, features: gaps.features.filter((f) => f.properties.rank <= GAPS_AT_LOW_ZOOM) };
    fewGaps.set(gaps, few);
  }
  return few;
}
