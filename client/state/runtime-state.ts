/**
 * What the page knows at run time but does not put in links: the reference data as it loads, the
 * server's health, and whether the map has finished its first render.
 */
import type { ReferenceData } from '../data/reference-features.js';

export type Dataset<T> =
  { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; message: string };

export type ServerHealth = 'unknown' | 'ok' | 'unreachable';

export interface RuntimeState {
  datasets: { [K in keyof ReferenceData]: Dataset<ReferenceData[K]> };
  health: ServerHealth;
  /** ISO time of the last successful health check, for the banner. */
  lastHealthyAt: string | null;
  mapReady: boolean;
}

export const INITIAL_RUNTIME_STATE: RuntimeState = {
  datasets: {
    provinces: { status: 'loading' },
    regions: { status: 'loading' },
    centers: { status: 'loading' },
    volcanoes: { status: 'loading' },
  },
  health: 'unknown',
  lastHealthyAt: null,
  mapReady: false,
};

/** The dataset's data when ready, else undefined. */
export function readyData<T>(dataset: Dataset<T>): T | undefined {
  return dataset.status === 'ready' ? dataset.data : undefined;
}
