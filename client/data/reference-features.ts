/**
 * The shapes of the reference GeoJSON the server sends (server/api, GET /api/provinces, /api/regions,
 * /api/centers, /api/volcanoes). Property names are the API's; see README "API".
 */
import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';

export interface ProvinceProperties {
  /** 'EC01' … 'EC24'. */
  code: string;
  name: string;
  cantonCount: number;
  centerId: string | null;
  areaKm2: number;
}

export interface RegionProperties {
  centerId: string;
  name: string;
  kind: 'zonal' | 'local';
  areaKm2: number;
  /** Province names the center serves. */
  provinces: string[];
}

export interface CenterProperties {
  id: string;
  name: string;
  kind: 'zonal' | 'local';
  city: string;
  provinces: string[];
}

export interface VolcanoProperties {
  gvpNumber: number;
  name: string;
  primaryType: string;
  lastKnownEruption: string;
  /** Negative for BCE; null when unknown. */
  lastEruptionYear: number | null;
  elevationM: number;
  monitored: boolean;
}

export type ProvinceCollection = FeatureCollection<Polygon | MultiPolygon, ProvinceProperties>;
export type RegionCollection = FeatureCollection<Polygon | MultiPolygon, RegionProperties>;
export type CenterCollection = FeatureCollection<Point, CenterProperties>;
export type VolcanoCollection = FeatureCollection<Point, VolcanoProperties>;

export interface ReferenceData {
  provinces: ProvinceCollection;
  regions: RegionCollection;
  centers: CenterCollection;
  volcanoes: VolcanoCollection;
}

export type DatasetId = keyof ReferenceData;
export const DATASET_IDS: readonly DatasetId[] = ['provinces', 'regions', 'centers', 'volcanoes'];

export function emptyCollection<G extends Point | Polygon | MultiPolygon, P>(): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features: [] };
}
