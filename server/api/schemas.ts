/**
 * The zod schemas of the HTTP API. The same objects validate requests and generate the
 * OpenAPI document (server/api/openapi.ts), so the two cannot drift apart.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { BBox } from '../domain/types.js';

extendZodWithOpenApi(z);

export { z };

/** `west,south,east,north` in degrees (EPSG:4326). */
export const BBoxParam = z
  .string()
  .openapi({
    description: 'Bounding box `west,south,east,north` in degrees (EPSG:4326)',
    example: '-79.5,-1.5,-77.5,0.5',
  })
  .transform((text, ctx): BBox => {
    const parts = text.split(',').map((s) => s.trim());
    const numbers = parts.map(Number);
    if (parts.length !== 4 || parts.some((p) => p === '') || numbers.some((n) => !Number.isFinite(n))) {
      ctx.addIssue({
        code: 'custom',
        message: `must be four numbers west,south,east,north; got ${JSON.stringify(text)}`,
      });
      return z.NEVER;
    }
    const [west, south, east, north] = numbers as BBox;
    if (west < -180 || east > 180 || south < -90 || north > 90) {
      ctx.addIssue({ code: 'custom', message: `is outside [-180,-90,180,90]: ${text}` });
      return z.NEVER;
    }
    if (west >= east || south >= north) {
      ctx.addIssue({ code: 'custom', message: `must have west < east and south < north: ${text}` });
      return z.NEVER;
    }
    return [west, south, east, north];
  });

export const BBoxQuery = z.object({ bbox: BBoxParam.optional() }).strict();

const Position = z.tuple([z.number(), z.number()]);

const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });
const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(Position))),
});

function featureCollection<P extends z.ZodType, G extends z.ZodType>(
  name: string,
  geometry: G,
  properties: P,
) {
  return z
    .object({
      type: z.literal('FeatureCollection'),
      features: z.array(
        z.object({ type: z.literal('Feature'), id: z.union([z.string(), z.number()]), geometry, properties }),
      ),
    })
    .openapi(name);
}

export const ProvinceCollection = featureCollection(
  'ProvinceCollection',
  MultiPolygonGeometry,
  z.object({
    code: z.string().openapi({ example: 'EC17' }),
    name: z.string().openapi({ example: 'Pichincha' }),
    cantonCount: z.number().int(),
    centerId: z.string().nullable(),
    areaKm2: z.number().openapi({ description: 'Area on the WGS 84 ellipsoid, km²' }),
  }),
);

export const RegionCollection = featureCollection(
  'RegionCollection',
  MultiPolygonGeometry,
  z.object({
    centerId: z.string().openapi({ example: 'quito' }),
    name: z.string(),
    kind: z.enum(['zonal', 'local']),
    areaKm2: z.number(),
    provinces: z.array(z.string()),
  }),
);

export const CenterCollection = featureCollection(
  'CenterCollection',
  PointGeometry,
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['zonal', 'local']),
    city: z.string(),
    provinces: z.array(z.string()),
  }),
);

export const VolcanoCollection = featureCollection(
  'VolcanoCollection',
  PointGeometry,
  z.object({
    gvpNumber: z.number().int().openapi({ example: 352050 }),
    name: z.string().openapi({ example: 'Cotopaxi' }),
    primaryType: z.string(),
    lastKnownEruption: z.string().openapi({ example: '2023 CE' }),
    lastEruptionYear: z.number().int().nullable(),
    elevationM: z.number(),
    monitored: z
      .boolean()
      .openapi({ description: 'Carries thermal cameras (eruption since 1900, above sea level)' }),
  }),
);

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number(),
    database: z.object({
      kind: z.enum(['pglite', 'postgres']),
      reachable: z.boolean(),
      postgis: z.string().nullable(),
      postgres: z.string().nullable(),
      migration: z.number().int().nullable(),
    }),
  })
  .openapi('Health');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string(), line: z.number().int().optional() }))
      .optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

/** First and last instants the API accepts: years 0001–9999 in UTC (PostgreSQL has no year 0). */
// Date.UTC maps years 0–99 to 1900–1999, hence setUTCFullYear.
export const MIN_INSTANT_MS = new Date(0).setUTCFullYear(1, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Whether epoch ms `ms` is a real instant within [MIN_INSTANT_MS, MAX_INSTANT_MS]. */
export function isApiInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS;
}

/** An instant in ISO 8601 with a zone (Z or ±hh:mm); naive local times are ambiguous and refused. */
export const Instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/,
    'must be ISO 8601 with a zone, e.g. 2026-11-23T10:00:00-05:00',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date')
  .refine((s) => isApiInstant(Date.parse(s)), 'must fall in the years 0001 to 9999 (UTC)')
  .transform((s) => new Date(s))
  .openapi({ type: 'string', format: 'date-time', example: '2026-11-23T10:00:00-05:00' });

/** A comma-separated list of allowed values: `kind=dome,ptz`. */
export function csvEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values)).min(1))
    .openapi({ type: 'string', description: `Comma-separated: ${values.join(', ')}` });
}
