import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { bbox } from '@turf/bbox';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Volcano } from '../../server/domain/types.js';
import type { ProvinceCollection } from '../../server/demo/land-mask.js';

/** The real reference data the demo generators take as input (data/), read once per test run. */

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));

let provinces: ProvinceCollection | undefined;
let volcanoes: Volcano[] | undefined;

export function loadProvinces(): ProvinceCollection {
  provinces ??= JSON.parse(readFileSync(`${dataDir}provinces.geojson`, 'utf8')) as ProvinceCollection;
  return provinces;
}

/** data/volcanoes.csv as domain objects; `monitored` left false (the demo decides). */
export function loadVolcanoes(): Volcano[] {
  volcanoes ??= (
    parse(readFileSync(`${dataDir}volcanoes.csv`, 'utf8'), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[]
  ).map((row) => ({
    gvpNumber: Number(row.gvp_number),
    name: String(row.name),
    country: String(row.country),
    volcanicRegion: String(row.region),
    primaryType: String(row.primary_type),
    lastKnownEruption: String(row.last_known_eruption),
    lastEruptionYear: eruptionYear(String(row.last_known_eruption)),
    elevationM: Number(row.elevation_m),
    position: [Number(row.lon), Number(row.lat)],
    monitored: false,
  }));
  return volcanoes;
}

function eruptionYear(text: string): number | null {
  const m = /^(\d+) (CE|BCE)$/.exec(text);
  if (!m) return null;
  return m[2] === 'BCE' ? -Number(m[1]) : Number(m[1]);
}

/**
 * An independent "is this point in Ecuador?" for the tests: @turf/boolean-point-in-polygon over the
 * provinces with a per-feature bounding-box prefilter (the generators use their own banded index).
 */
export function turfInsideEcuador(): (lon: number, lat: number) => boolean {
  const features = loadProvinces().features.map((f) => ({ feature: f, box: bbox(f) }));
  return (lon, lat) =>
    features.some(
      ({ feature, box }) =>
        lon >= box[0] &&
        lon <= box[2] &&
        lat >= box[1] &&
        lat <= box[3] &&
        booleanPointInPolygon([lon, lat], feature),
    );
}

/** Great-circle distance in km (haversine, mean Earth radius 6371.0088 km): independent of flat-earth.ts. */
export function haversineKm(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

/** Initial great-circle bearing from a to b, degrees in [0, 360). */
export function greatCircleBearing(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const y = Math.sin((b[0] - a[0]) * rad) * Math.cos(b[1] * rad);
  const x =
    Math.cos(a[1] * rad) * Math.sin(b[1] * rad) -
    Math.sin(a[1] * rad) * Math.cos(b[1] * rad) * Math.cos((b[0] - a[0]) * rad);
  return (((Math.atan2(y, x) / rad) % 360) + 360) % 360;
}
