/**
 * Atalaya's domain, in one place. The zod schemas at the edges (server/api, server/ingest)
 * are built from these lists, and the client imports the types from here.
 *
 * Units: lengths in metres, angles in degrees (azimuth clockwise from true north), temperatures
 * in degrees Celsius, money in US dollars, instants as ISO 8601 strings with a zone.
 */

export const CAMERA_KINDS = ['dome', 'fixed', 'ptz', 'thermal'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

export const CAMERA_STATUSES = ['online', 'offline', 'maintenance'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

export const INCIDENT_CATEGORIES = [
  'traffic',
  'medical',
  'fire',
  'security',
  'natural_hazard',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** Quality of a thermal frame: volcano cameras are blind in cloud and fog. */
export const READING_QUALITIES = ['ok', 'obscured', 'invalid'] as const;
export type ReadingQuality = (typeof READING_QUALITIES)[number];

/** Ecuador's volcanic alert colours (IG-EPN / SNGR) and the incident advisory ladder. */
export const VOLCANIC_SEVERITIES = ['white', 'yellow', 'orange', 'red'] as const;
export const INCIDENT_SEVERITIES = ['advisory', 'watch', 'warning'] as const;
export const SEVERITIES = [...VOLCANIC_SEVERITIES, ...INCIDENT_SEVERITIES] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ROLES = ['viewer', 'operator', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type LngLat = [lng: number, lat: number];
/** [west, south, east, north] in degrees, EPSG:4326. */
export type BBox = [west: number, south: number, east: number, north: number];

export interface Camera {
  /** Stable key from the owner's inventory; imports upsert on it. */
  externalId: string;
  name: string;
  kind: CameraKind;
  status: CameraStatus;
  position: LngLat;
  /** Height of the lens above the ground, metres. */
  mountHeightM: number;
  /** Centre of the horizontal field of view, degrees clockwise from north, [0, 360). */
  azimuthDeg: number;
  /** Horizontal field of view, degrees; 360 for PTZ and patrolling domes. */
  hfovDeg: number;
  /** Vertical field of view, degrees. */
  vfovDeg: number;
  /** Tilt of the optical axis, degrees; negative looks down. */
  tiltDeg: number;
  /** Useful range, metres. */
  rangeM: number;
  resolutionHPx: number;
  resolutionVPx: number;
  installDate: string | null;
  unitCostUsd: number | null;
  /** GVP number of the volcano a thermal camera watches. */
  volcanoGvp: number | null;
  synthetic: boolean;
}

export interface ThermalReading {
  cameraExternalId: string;
  /** ISO 8601 with a zone. */
  ts: string;
  maxTempC: number;
  meanTempC: number | null;
  quality: ReadingQuality;
}

export interface Incident {
  externalId: string;
  category: IncidentCategory;
  /** 1 (highest) to 5. */
  priority: number | null;
  occurredAt: string;
  position: LngLat;
  description: string | null;
  synthetic: boolean;
}

/** A regional response center and the provinces it serves (data/centers.csv). */
export interface Center {
  id: string;
  name: string;
  kind: 'zonal' | 'local';
  city: string;
  position: LngLat;
  provinces: string[];
}

/** A Holocene volcano from the Smithsonian GVP list (data/volcanoes.csv). */
export interface Volcano {
  gvpNumber: number;
  name: string;
  country: string;
  volcanicRegion: string;
  primaryType: string;
  lastKnownEruption: string;
  /** Year of the last known eruption, negative for BCE; null when unknown. */
  lastEruptionYear: number | null;
  elevationM: number;
  position: LngLat;
  monitored: boolean;
}
