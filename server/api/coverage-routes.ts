/**
 * Coverage and siting over HTTP: figures per province and region, the counts as GeoTIFF, gaps as
 * GeoJSON or CSV, siting new cameras, and what-if edits of the network. Parse → call the
 * coverage service → respond.
 */
import type { CoverageService, SitingRequest, WhatIfChange } from '../coverage/coverage-service.js';
import { gapsCsv, gapsFeatureCollection, newCoverageFeatureCollection } from '../coverage/coverage-export.js';
import { sitesFeatureCollection, sitingCsv } from '../coverage/siting-table.js';
import { MAX_DISPLAY_SIDE_PX } from '../coverage/coverage-display.js';
import { CAMERA_KINDS, CAMERA_STATUSES } from '../domain/types.js';
import { NotFoundError } from '../errors.js';
import { readJsonValue } from './json-body.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';
import { parseOrThrow } from './validate.js';

const AreaParam = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .openapi({
    description:
      'An area: `national` (default), a province code (EC17) or name, a volcano (a 20 km disc), a city, a region ' +
      '(regional center id) or `west,south,east,north`; prefix `province:`, `region:`, `volcano:`, `city:` to pick one kind',
    example: 'cotopaxi',
  });

const CoverageQuery = z.object({ area: AreaParam }).strict();

const TiffQuery = z
  .object({
    area: AreaParam,
    layer: z.enum(['counts', 'dori']).default('counts').openapi({
      description: 'counts: cameras seeing each cell (UInt16); dori: best class, 0 none … 4 identify (Byte)',
    }),
  })
  .strict();

const GapsQuery = z
  .object({
    area: AreaParam,
    demand: z.enum(['incidents', 'population']).default('incidents'),
    link: z.coerce.number().int().min(1).max(10).default(1).openapi({
      type: 'integer',
      description: 'Cells of one gap are at most this many cells apart (1: 8-connected)',
    }),
    limit: z.coerce.number().int().min(1).max(1000).default(50).openapi({ type: 'integer' }),
    minDemand: z.coerce.number().min(0).optional().openapi({ type: 'number' }),
  })
  .strict();

const Lon = z.number().min(-180).max(180);
const Lat = z.number().min(-90).max(90);

const DisplaySide = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_DISPLAY_SIDE_PX)
  .openapi({ type: 'integer', description: `pixels, at most ${MAX_DISPLAY_SIDE_PX}` });

/** A view of the map to draw coverage for: equal steps of longitude and latitude. */
const DisplayWindowSchema = z
  .object({
    bbox: z.tuple([Lon, Lat, Lon, Lat]).refine(([w, s, e, n]) => w < e && s < n, {
      message: 'west < east and south < north',
    }),
    width: DisplaySide,
    height: DisplaySide,
    layer: z.enum(['counts', 'dori']).default('counts'),
  })
  .strict();

const DisplayQuery = z
  .object({
    bbox: z
      .string()
      .transform((text, ctx) => {
        const parts = text.split(',').map((p) => Number(p.trim()));
        const [w = NaN, s = NaN, e = NaN, n = NaN] = parts;
        if (parts.length !== 4 || !parts.every(Number.isFinite) || !(w < e && s < n)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected west,south,east,north with west < east and south < north, got ${JSON.stringify(text)}`,
          });
          return z.NEVER;
        }
        if (w < -180 || e > 180 || s < -90 || n > 90) {
          ctx.addIssue({ code: 'custom', message: `outside longitude ±180, latitude ±90: ${text}` });
          return z.NEVER;
        }
        return [w, s, e, n] as [number, number, number, number];
      })
      .openapi({ type: 'string', example: '-78.6,-0.35,-78.35,-0.05' }),
    width: DisplaySide,
    height: DisplaySide,
    layer: z.enum(['counts', 'dori']).default('counts').openapi({
      description: 'counts: cameras seeing each pixel (capped at 255); dori: best class, 0 none … 4 identify',
    }),
  })
  .strict();

const CameraModel = z
  .object({
    kind: z.enum(CAMERA_KINDS),
    mountHeightM: z.number().min(0).max(500).openapi({ description: 'Lens above ground, m' }),
    hfovDeg: z.number().gt(0).max(360),
    vfovDeg: z.number().gt(0).max(180).default(40),
    tiltDeg: z.number().min(-90).max(90).default(-10),
    rangeM: z.number().gt(0).max(50000),
    resolutionHPx: z.number().int().positive().max(20000),
    unitCostUsd: z.number().min(0).max(1e7).openapi({ description: 'Installed cost of one camera, USD' }),
  })
  .strict()
  .openapi('CameraModel');

/** A siting request: POST /api/siting's body, also what npm run siting checks its options with. */
export const SitingBody = z
  .object({
    area: z.string().min(1).max(200),
    budget: z
      .object({
        count: z.number().int().min(0).max(1000).optional(),
        dollars: z.number().min(0).max(1e10).optional(),
      })
      .strict()
      .refine((b) => b.count !== undefined || b.dollars !== undefined, 'give count, dollars or both'),
    model: CameraModel,
    demand: z.enum(['incidents', 'area', 'population']).default('incidents'),
    candidates: z
      .object({
        points: z
          .array(
            z
              .object({
                lon: Lon,
                lat: Lat,
                azimuthDeg: z.number().min(0).lt(360).optional(),
                label: z.string().max(100).optional(),
              })
              .strict(),
          )
          .max(500)
          .optional(),
        highPoints: z.boolean().optional(),
        towns: z.boolean().optional(),
        roads: z.boolean().optional(),
        maxHighPoints: z.number().int().min(0).max(300).optional(),
        maxElevationM: z.number().optional(),
      })
      .strict()
      .optional(),
    alreadyCoveredValue: z.number().min(0).max(1).optional(),
    exact: z.boolean().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.budget.dollars !== undefined && !(b.model.unitCostUsd > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'unitCostUsd'],
        message: 'must be > 0 with a dollar budget',
      });
    }
  })
  .openapi('SitingRequest');

const SitingQuery = z.object({ format: z.enum(['json', 'csv', 'geojson']).default('json') }).strict();

const Position = z.tuple([Lon, Lat]);

const WhatIfBody = z
  .object({
    changes: z
      .array(
        z.discriminatedUnion('op', [
          z
            .object({
              op: z.literal('add'),
              camera: z
                .object({
                  externalId: z.string().min(1).max(100).optional(),
                  kind: z.enum(CAMERA_KINDS),
                  status: z.enum(CAMERA_STATUSES).optional(),
                  position: Position,
                  mountHeightM: z.number().min(0).max(500),
                  azimuthDeg: z.number().min(0).lt(360),
                  hfovDeg: z.number().gt(0).max(360),
                  vfovDeg: z.number().gt(0).max(180),
                  tiltDeg: z.number().min(-90).max(90),
                  rangeM: z.number().gt(0).max(50000),
                  resolutionHPx: z.number().int().positive().max(20000),
                })
                .strict(),
            })
            .strict(),
          z
            .object({
              op: z.literal('move'),
              externalId: z.string().min(1).max(100),
              position: Position.optional(),
              azimuthDeg: z.number().min(0).lt(360).optional(),
              tiltDeg: z.number().min(-90).max(90).optional(),
              mountHeightM: z.number().min(0).max(500).optional(),
              hfovDeg: z.number().gt(0).max(360).optional(),
              vfovDeg: z.number().gt(0).max(180).optional(),
              rangeM: z.number().gt(0).max(50000).optional(),
            })
            .strict(),
          z.object({ op: z.literal('remove'), externalId: z.string().min(1).max(100) }).strict(),
        ]),
      )
      .min(1)
      .max(50),
    area: z.string().min(1).max(200).optional(),
    geometry: z
      .boolean()
      .default(true)
      .openapi({ description: 'Return the cells gained and lost as GeoJSON' }),
    raster: DisplayWindowSchema.optional().openapi({
      description:
        'Also draw the coverage after the changes over this view, as raster.png does (a PNG data URL)',
    }),
  })
  .strict()
  .openapi('WhatIfRequest');

const ZoneStat = z
  .object({
    id: z.string(),
    name: z.string(),
    cells: z.number().int(),
    areaKm2: z.number(),
    coveredAreaKm2: z.number(),
    coveredAreaPct: z.number().nullable(),
    demand: z.record(
      z.string(),
      z.object({ total: z.number(), covered: z.number(), coveredPct: z.number().nullable() }),
    ),
  })
  .openapi('CoverageZoneStat');

const CoverageReport = z
  .object({
    generatedAt: z.string(),
    grid: z.object({}).passthrough(),
    cameras: z.object({}).passthrough(),
    demand: z.array(z.object({ name: z.string(), total: z.number(), label: z.string() })),
    area: z.object({}).passthrough().nullable(),
    summary: ZoneStat,
    provinces: z.array(ZoneStat),
    regions: z.array(ZoneStat),
  })
  .openapi('CoverageReport');

/**
 * GET /api/coverage, /api/coverage/counts.tif, /api/coverage/raster.png, /api/coverage/gaps.geojson,
 * /api/coverage/gaps.csv, POST /api/siting and POST /api/coverage/what-if.
 */
export function addCoverageRoutes(api: ApiRoutes, coverage: CoverageService): void {
  api.add({
    method: 'get',
    path: '/api/coverage',
    summary: 'Coverage of the camera network per province and region: by area and by incident demand',
    tags: ['coverage'],
    permission: 'read',
    query: CoverageQuery,
    responses: {
      200: { description: 'Figures', content: { 'application/json': { schema: CoverageReport } } },
    },
    handler: async ({ query }, _req, res) => {
      res.json(await coverage.report(query.area));
    },
  });

  api.add({
    method: 'get',
    path: '/api/coverage/counts.tif',
    summary: 'How many online cameras see each cell (or the best DORI class) as a GeoTIFF',
    tags: ['coverage'],
    permission: 'read',
    query: TiffQuery,
    responses: {
      200: { description: 'GeoTIFF, EPSG:4326', content: { 'image/tiff': { schema: z.string() } } },
    },
    handler: async ({ query }, _req, res) => {
      const { bytes, tier } = await coverage.geoTiff(query.area, query.layer);
      res
        .type('image/tiff')
        .setHeader('Content-Disposition', `attachment; filename="coverage-${query.layer}-${tier}.tif"`)
        .send(Buffer.from(bytes));
    },
  });

  for (const format of ['geojson', 'csv'] as const) {
    api.add({
      method: 'get',
      path: `/api/coverage/gaps.${format}`,
      summary: `The largest clusters of uncovered demand, ranked, as ${format === 'csv' ? 'CSV' : 'GeoJSON polygons'}`,
      tags: ['coverage'],
      permission: 'read',
      query: GapsQuery,
      responses: {
        200: {
          description: 'Gaps, largest demand first',
          content: { [format === 'csv' ? 'text/csv' : 'application/geo+json']: { schema: z.string() } },
        },
      },
      handler: async ({ query }, _req, res) => {
        const r = await coverage.gaps({
          ...(query.area ? { area: query.area } : {}),
          demand: query.demand,
          linkCells: query.link,
          limit: query.limit,
          ...(query.minDemand !== undefined ? { minDemand: query.minDemand } : {}),
        });
        if (format === 'csv') res.type('text/csv').send(gapsCsv(r.gaps, r.demand));
        else
          res
            .type('application/geo+json')
            .send(JSON.stringify(gapsFeatureCollection(r.grid, r.gaps, r.demand)));
      },
    });
  }

  api.add({
    method: 'get',
    path: '/api/coverage/raster.png',
    // Each pixel holds the largest value of the grid cells whose centres it holds (the cell under
    // its centre when smaller than a cell): see server/coverage/coverage-display.ts.
    summary:
      'Coverage over a view of the map for drawing: an 8-bit greyscale PNG, equal steps of longitude and latitude, ' +
      'each pixel the most cameras seeing any cell in it (capped at 255) or the best DORI class',
    tags: ['coverage'],
    permission: 'read',
    query: DisplayQuery,
    responses: {
      200: { description: 'PNG, greyscale, 8 bits', content: { 'image/png': { schema: z.string() } } },
    },
    handler: async ({ query }, _req, res) => {
      const png = await coverage.displayPng(
        { bbox: query.bbox, width: query.width, height: query.height },
        query.layer,
      );
      res.type('image/png').setHeader('Cache-Control', 'no-store').send(Buffer.from(png));
    },
  });

  api.add({
    method: 'post',
    path: '/api/siting',
    summary: 'Choose sites for new cameras that see the most demand the network misses, within a budget',
    tags: ['coverage'],
    permission: 'siting.run',
    query: SitingQuery,
    requestBody: { content: { 'application/json': { schema: SitingBody } } },
    responses: {
      200: {
        description:
          'The ranked table (JSON with the new coverage of each site as GeoJSON, CSV, or sites as GeoJSON)',
        content: {
          'application/json': { schema: z.object({}).passthrough() },
          'text/csv': { schema: z.string() },
          'application/geo+json': { schema: z.object({}).passthrough() },
        },
      },
    },
    handler: async ({ query }, req, res) => {
      const body = parseOrThrow(SitingBody, await readJsonValue(req), 'request body');
      const request: SitingRequest = {
        area: body.area,
        budget: body.budget,
        model: body.model,
        demand: body.demand,
        ...(body.candidates ? { candidates: body.candidates } : {}),
        ...(body.alreadyCoveredValue !== undefined ? { alreadyCoveredValue: body.alreadyCoveredValue } : {}),
        ...(body.exact !== undefined ? { exact: body.exact } : {}),
      } as SitingRequest;
      const report = await coverage.siting(request);
      if (query.format === 'csv') {
        res.type('text/csv').send(sitingCsv(report.table));
        return;
      }
      if (query.format === 'geojson') {
        res.type('application/geo+json').send(JSON.stringify(sitesFeatureCollection(report.table)));
        return;
      }
      const grid = await coverage.coverageGrid();
      const { newCells, ...rest } = report;
      res.json({ ...rest, newCoverage: newCoverageFeatureCollection(grid, report.table, newCells) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/coverage/what-if',
    summary: 'Coverage if cameras were added, moved or removed (nothing is saved)',
    tags: ['coverage'],
    permission: 'siting.run',
    requestBody: { content: { 'application/json': { schema: WhatIfBody } } },
    responses: {
      200: {
        description: 'Figures before and after, zones that change, cells gained and lost',
        content: { 'application/json': { schema: z.object({}).passthrough() } },
      },
    },
    handler: async (_input, req, res) => {
      const body = parseOrThrow(WhatIfBody, await readJsonValue(req), 'request body');
      const changes = body.changes as WhatIfChange[];
      const report = await coverage.whatIf(changes, body.area);
      const { gained, lost, ...rest } = report;
      const raster = body.raster
        ? await coverage.displayPng(
            { bbox: body.raster.bbox, width: body.raster.width, height: body.raster.height },
            body.raster.layer,
            changes,
          )
        : null;
      res.json({
        ...rest,
        ...(raster && body.raster
          ? {
              raster: {
                bbox: body.raster.bbox,
                width: body.raster.width,
                height: body.raster.height,
                layer: body.raster.layer,
                png: `data:image/png;base64,${Buffer.from(raster).toString('base64')}`,
              },
            }
          : {}),
        ...(body.geometry
          ? {
              gained: { type: 'MultiPolygon', coordinates: coverage.outline(gained) },
              lost: { type: 'MultiPolygon', coordinates: coverage.outline(lost) },
            }
          : {}),
      });
    },
  });

  api.add({
    method: 'get',
    path: '/api/cameras/:id/coverage',
    summary: 'The ground one camera is shown to see: its viewshed less its privacy masks, as grid cells',
    tags: ['coverage'],
    permission: 'read',
    params: z.object({ id: z.string().min(1).max(100) }).strict(),
    query: z.object({}).strict(),
    responses: {
      200: {
        description: 'A GeoJSON Feature: the MultiPolygon of the cells, with counts and area',
        content: { 'application/geo+json': { schema: z.object({}).passthrough() } },
      },
    },
    handler: async ({ params }, _req, res) => {
      const c = await coverage.cameraCoverage(params.id);
      if (!c) throw new NotFoundError(`No camera with id ${JSON.stringify(params.id)}`);
      res.type('application/geo+json').send(
        JSON.stringify({
          type: 'Feature',
          id: c.camera,
          geometry: { type: 'MultiPolygon', coordinates: c.outline },
          properties: {
            camera: c.camera,
            status: c.status,
            counted: c.counted,
            cells: c.cells,
            areaKm2: c.areaKm2,
          },
        }),
      );
    },
  });
}
