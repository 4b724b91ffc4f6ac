/**
 * GET /api/incidents/export: every incident of a filter (bbox, time window, categories — the map's
 * filter) as CSV in the import format or as GeoJSON, streamed page by page so that a year of a million
 * incidents never sits in memory, as a download.
 */
import type { Database } from '../db/database.js';
import { incidentExportPage, type IncidentExportRow } from '../db/network-queries.js';
import { INCIDENT_CATEGORIES } from '../domain/types.js';
import { ValidationError } from '../errors.js';
import { csvRow, spreadsheetSafe } from '../csv-format.js';
import { writeChunk } from './stream-write.js';
import type { ApiRoutes } from './route-registry.js';
import { BBoxParam, Instant, csvEnum, z } from './schemas.js';

const PAGE = 10_000;
export const INCIDENT_CSV_COLUMNS = [
  'external_id',
  'category',
  'priority',
  'occurred_at',
  'lon',
  'lat',
  'description',
  'synthetic',
] as const;

const ExportQuery = z
  .object({
    format: z.enum(['csv', 'geojson']).default('csv'),
    bbox: BBoxParam.optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    category: csvEnum(INCIDENT_CATEGORIES).optional(),
  })
  .strict();

function csvOf(r: IncidentExportRow): string {
  return csvRow([
    r.external_id,
    r.category,
    r.priority,
    r.occurred_at.toISOString(),
    r.lon,
    r.lat,
    spreadsheetSafe(r.description),
    r.synthetic,
  ]);
}

function featureOf(r: IncidentExportRow): string {
  return JSON.stringify({
    type: 'Feature',
    id: r.external_id,
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties: {
      externalId: r.external_id,
      category: r.category,
      priority: r.priority,
      occurredAt: r.occurred_at.toISOString(),
      description: r.description,
      synthetic: r.synthetic,
    },
  });
}

export function addExportRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/incidents/export',
    summary: 'Every incident of a filter as a CSV (the import format) or GeoJSON download',
    tags: ['incidents'],
    permission: 'read',
    query: ExportQuery,
    responses: {
      200: {
        description: 'CSV (columns as the incidents import) or a GeoJSON FeatureCollection, streamed',
        content: { 'text/csv': { schema: z.string() }, 'application/geo+json': { schema: z.object({}) } },
      },
    },
    handler: async ({ query }, _req, res) => {
      if (query.from && query.to && query.to.getTime() <= query.from.getTime()) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: 'must be after from' },
        ]);
      }
      const filter = {
        bbox: query.bbox,
        from: query.from,
        to: query.to,
        category: query.category,
        limit: PAGE,
      };
      // The first page before any byte is sent: a database error is still a proper problem response.
      let page = await incidentExportPage(db, filter);
      const csv = query.format === 'csv';
      const stamp = new Date().toISOString().slice(0, 10);
      res
        .status(200)
        .type(csv ? 'text/csv; charset=utf-8' : 'application/geo+json')
        .set(
          'Content-Disposition',
          `attachment; filename="atalaya-incidents-${stamp}.${csv ? 'csv' : 'geojson'}"`,
        )
        .set('Cache-Control', 'no-store');
      if (
        !(await writeChunk(
          res,
          csv ? csvRow(INCIDENT_CSV_COLUMNS) : '{"type":"FeatureCollection","features":[',
        ))
      ) {
        return;
      }
      let first = true;
      for (;;) {
        let chunk = '';
        for (const r of page) {
          chunk += csv ? csvOf(r) : `${first ? '' : ','}${featureOf(r)}`;
          first = false;
        }
        if (chunk && !(await writeChunk(res, chunk))) return; // the caller has gone
        const last = page[page.length - 1];
        if (page.length < PAGE || !last) break;
        page = await incidentExportPage(db, {
          ...filter,
          after: { t: last.occurred_at.toISOString(), id: last.id },
        });
      }
      res.end(csv ? '' : ']}');
    },
  });
}
