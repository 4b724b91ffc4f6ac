/** Named extents the "Go to" buttons fit the map to, [west, south, east, north] in degrees. */
import { NATIONAL_BOUNDS } from '../state/app-state.js';

export type ViewPresetId = 'national' | 'mainland' | 'galapagos';

export const VIEW_PRESETS: Readonly<Record<ViewPresetId, [number, number, number, number]>> = {
  national: NATIONAL_BOUNDS,
  mainland: [-81.1, -5.05, -75.15, 1.5],
  galapagos: [-92.05, -1.45, -89.2, 0.7],
};

/**
 * How far the map may pan, [west, south, east, north]: the extent of the offline basemap
 * (scripts/build-basemap.ts, BASEMAP_BOX), so the user never pans onto an empty ocean.
 */
export const MAX_BOUNDS: [number, number, number, number] = [-96, -12, -66, 8];

/** Padding in pixels when fitting an extent: room for the map controls on the right. */
export const FIT_PADDING = { top: 40, bottom: 40, left: 40, right: 70 } as const;
