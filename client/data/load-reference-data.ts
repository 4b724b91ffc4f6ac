/**
 * Loads the four reference collections from the API into the runtime store, each on its own, so
 * that the map shows what has arrived while the rest is still loading or has failed.
 */
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { getJson } from './api-client.js';
import { DATASET_IDS, type DatasetId, type ReferenceData } from './reference-features.js';

/** Endpoint of each dataset (server/api). */
export const DATASET_URLS: Readonly<Record<DatasetId, string>> = {
  provinces: '/api/provinces',
  regions: '/api/regions',
  centers: '/api/centers',
  volcanoes: '/api/volcanoes',
};

/** Loads the given datasets (all by default), or reloads those that failed when called again. */
export async function loadReferenceData(runtime: Store<RuntimeState>, ids: readonly DatasetId[] = DATASET_IDS): Promise<void> {
  await Promise.all(ids.map((id) => loadOne(runtime, id)));
}

async function loadOne<K extends DatasetId>(runtime: Store<RuntimeState>, id: K): Promise<void> {
  const setDataset = (dataset: RuntimeState['datasets'][K]) =>
    runtime.set((state) => ({ datasets: { ...state.datasets, [id]: dataset } }));
  setDataset({ status: 'loading' });
  try {
    const data = await getJson<ReferenceData[K]>(DATASET_URLS[id]);
    if (data?.type !== 'FeatureCollection' || !Array.isArray(data.features)) {
      throw new Error(`${DATASET_URLS[id]} did not return a FeatureCollection`);
    }
    setDataset({ status: 'ready', data } as RuntimeState['datasets'][K]);
  } catch (error) {
    setDataset({ status: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

/** The datasets that failed to load. */
export function failedDatasets(runtime: RuntimeState): DatasetId[] {
  return DATASET_IDS.filter((id) => runtime.datasets[id].status === 'error');
}

/** Whether every reference dataset has loaded or failed (none is still loading). */
export function referenceDataSettled(runtime: RuntimeState): boolean {
  return DATASET_IDS.every((id) => runtime.datasets[id].status !== 'loading');
}

/** Resolves once no reference dataset is loading any more (ready or failed), or after `ms`. */
export function whenReferenceDataSettled(runtime: Store<RuntimeState>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (referenceDataSettled(runtime.get())) {
      resolve();
      return;
    }
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, ms);
    const unsubscribe = runtime.subscribe((state) => {
      if (referenceDataSettled(state)) finish();
    });
  });
}
