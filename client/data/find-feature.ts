/** Looks up the feature a selection refers to in the loaded reference data. */
import type { Feature, MultiPolygon, Point, Polygon } from 'geojson';
import type { Selection } from '../state/app-state.js';
import type { CameraCollection } from './camera-features.js';
import type { ReferenceData } from './reference-features.js';

/** The selected feature, or undefined when it is not (or not yet) in the data. */
export function findFeature(
  data: ReferenceData,
  selection: Selection,
  cameras?: CameraCollection | null,
): Feature<Point | Polygon | MultiPolygon> | undefined {
  switch (selection.kind) {
    case 'camera':
      return cameras?.features.find((f) => f.properties.externalId === selection.id);
    case 'region':
      return data.regions.features.find((f) => f.properties.centerId === selection.id);
    case 'center':
      return data.centers.features.find((f) => f.properties.id === selection.id);
    case 'volcano':
      return data.volcanoes.features.find((f) => String(f.properties.gvpNumber) === selection.id);
    case 'province':
      return data.provinces.features.find((f) => f.properties.code === selection.id);
  }
}
