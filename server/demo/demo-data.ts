import type { Camera, Volcano } from '../domain/types.js';
import { DEMO_UNIT_COST_USD, generateDemoCameras, selectMonitoredVolcanoes } from './demo-cameras.js';
import { generateDemoIncidents, type IncidentColumns, type IncidentSurge } from './demo-incidents.js';
import {
  generateDemoReadings,
  type ReadingColumns,
  type ThermalEpisode,
  type ThermalOutage,
} from './demo-readings.js';
import type { DemoDataPlan } from './demo-slice.js';
import { CATEGORY_SHARES } from './incident-rhythm.js';
import type { ProvinceCollection } from './land-mask.js';
import { PLACES } from './places.js';

/** What the generators need from data/: the provinces, the volcanoes, optionally a DEM lookup. */
export interface DemoReference {
  provinces: ProvinceCollection;
  volcanoes: readonly Volcano[];
  elevationAt?: (lon: number, lat: number) => number | null;
}

/**
 * The injected events and the assumptions behind the synthetic data, as plain JSON: what the alert
 * rules and the heatmap should find, and what the weights were. Everything here is synthetic.
 */
export interface DemoGroundTruth {
  synthetic: true;
  seed: number | string;
  endMs: number;
  /** GVP numbers of the volcanoes that carry thermal cameras (set volcanoes.monitored for these). */
  monitoredVolcanoGvps: number[];
  incidentSurges: IncidentSurge[];
  thermalEpisodes: ThermalEpisode[];
  /** Long camera silences outside the episodes (stale-sensor alerts should fire for these too). */
  thermalOutages: ThermalOutage[];
  assumptions: {
    placeWeights: { name: string; province: string; weight: number }[];
    placeWeightsNote: string;
    categoryShares: Record<string, number>;
    unitCostUsd: Record<string, number>;
  };
}

export interface DemoData {
  plan: DemoDataPlan;
  cameras: Camera[];
  incidents: IncidentColumns;
  readings: ReadingColumns;
  groundTruth: DemoGroundTruth;
}

/**
 * Generate all synthetic demo data for a plan (demo-slice.ts). Pure: nothing is read or written, no
 * clock is read. Roughly 0.3 s for the cameras, 1.2 s for 1M incidents and 1.4 s for the 30-day
 * readings on this project's 2-core machine; a slice costs the same for readings (the whole 30-day
 * window is simulated) and a tenth for incidents.
 */
export function generateDemoData(plan: DemoDataPlan, reference: DemoReference): DemoData {
  const cameras = generateDemoCameras(
    {
      provinces: reference.provinces,
      volcanoes: reference.volcanoes,
      ...(reference.elevationAt ? { elevationAt: reference.elevationAt } : {}),
    },
    { seed: plan.seed, endMs: plan.endMs, count: plan.cameras.count },
  );
  const incidents = generateDemoIncidents(
    { provinces: reference.provinces },
    {
      seed: plan.seed,
      endMs: plan.endMs,
      days: plan.incidents.days,
      count: plan.incidents.count,
      fromMs: plan.incidents.fromMs,
    },
  );
  const readings = generateDemoReadings(
    { cameras, volcanoes: reference.volcanoes },
    { seed: plan.seed, endMs: plan.endMs, days: plan.readings.days, fromMs: plan.readings.fromMs },
  );
  return {
    plan,
    cameras,
    incidents,
    readings,
    groundTruth: {
      synthetic: true,
      seed: plan.seed,
      endMs: plan.endMs,
      monitoredVolcanoGvps: selectMonitoredVolcanoes(reference.volcanoes).map((v) => v.gvpNumber),
      incidentSurges: [...incidents.surges],
      thermalEpisodes: [...readings.episodes],
      thermalOutages: [...readings.outages],
      assumptions: {
        placeWeights: PLACES.map((p) => ({ name: p.name, province: p.province, weight: p.weight })),
        placeWeightsNote:
          "Atalaya's assumed weights, roughly the urban population in thousands as remembered from the INEC 2022 census; not shipped population data.",
        categoryShares: { ...CATEGORY_SHARES },
        unitCostUsd: { ...DEMO_UNIT_COST_USD },
      },
    },
  };
}
