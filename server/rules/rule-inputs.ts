/**
 * What the rules consume: thermal readings, incidents and regional coverage figures, with instants as epoch
 * milliseconds. The ingest layer (or a DB query, for backtests) converts rows to these.
 */
import type { IncidentCategory, ReadingQuality, ThermalReading } from '../domain/types.js';

export interface ReadingInput {
  /** The camera's external id. */
  cameraId: string;
  tsMs: number;
  maxTempC: number;
  meanTempC: number | null;
  quality: ReadingQuality;
}

export interface IncidentInput {
  id: string;
  /** When it occurred, epoch ms. */
  tsMs: number;
  category: IncidentCategory;
  /** The response center whose region contains it (the lead resolves the point in polygon); null if none. */
  regionId: string | null;
  lng: number;
  lat: number;
}

/** A region's camera coverage after a change (cameras going offline or back), from server/coverage. */
export interface CoverageInput {
  regionId: string;
  tsMs: number;
  /** Share of the region's area seen by online cameras, 0..1. */
  coveredFraction: number;
  /** The cameras offline at that moment, for the evidence. */
  offlineCameraIds?: readonly string[];
}

/** A domain reading (ISO instant) as a rules input. */
export function readingInputFrom(r: ThermalReading): ReadingInput {
  const tsMs = Date.parse(r.ts);
  if (!Number.isFinite(tsMs))
    throw new RangeError(`reading ts is not an ISO 8601 instant: ${JSON.stringify(r.ts)}`);
  return {
    cameraId: r.cameraExternalId,
    tsMs,
    maxTempC: r.maxTempC,
    meanTempC: r.meanTempC,
    quality: r.quality,
  };
}
