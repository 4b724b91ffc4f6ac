/**
 * The audit log for admins: GET /api/audit, filtered by actor, action, entity and time, newest first,
 * paged with a cursor; `?format=csv` or `?format=ndjson` exports every matching record, streamed in
 * pages so an export of millions of rows never sits in memory.
 */
import { queryAudit, type AuditFilter, type AuditRecord } from '../db/audit-store.js';
import type { Database } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { csvRow, safeCsvField } from '../csv-format.js';
import { writeChunk } from './stream-write.js';
import type { ApiRoutes } from './route-registry.js';
import { Instant, z } from './schemas.js';

/** Records per page of an export (one query each). */
const EXPORT_PAGE = 1000;
/** Largest JSON page. */
const MAX_PAGE = 1000;
/** Largest `limit` of an export. */
const MAX_EXPORT = 100_000_000;

const list = (what: string) =>
  z
    .string()
    .min(1)
    .max(2000)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.string().min(1).max(200)).min(1).max(50))
    .openapi({ type: 'string', description: `${what}, comma-separated` });

const AuditQuery = z
  .object({
    actor: list('Actors (token names, `cli`, `seed`)').optional(),
    action: list('Actions, exact (`rule.update`) or by prefix (`alert.*`)').optional(),
    entity: z.string().min(1).max(100).optional().openapi({ example: 'alert_rule' }),
    entityId: z.string().min(1).max(200).optional(),
    from: Instant.optional().openapi({ description: 'At or after this instant' }),
    to: Instant.optional().openapi({ description: 'Before this instant' }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_EXPORT)
      .optional()
      .openapi({
        type: 'integer',
        description: `Page size (default 100, at most ${MAX_PAGE}); exports take every record unless limited`,
      }),
    cursor: z
      .string()
      .regex(/^\d{1,15}$/, 'is not a cursor returned by this API')
      .transform(Number)
      .optional()
      .openapi({ type: 'string', description: 'Opaque cursor from the previous page (`next`)' }),
    format: z.enum(['json', 'csv', 'ndjson']).default('json'),
  })
  .strict();

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string().openapi({ example: 'rule.update' }),
    entity: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown().openapi({ description: 'The entity before the change (null for a creation)' }),
    after: z.unknown().openapi({ description: 'The entity after the change (null for a deletion)' }),
    requestId: z.string().nullable(),
  })
  .openapi('AuditEntry');

const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'entity',
  'entity_id',
  'request_id',
  'before',
  'after',
] as const;

function entryDto(r: AuditRecord): z.infer<typeof AuditEntrySchema> {
  return { ...r, at: r.at.toISOString() };
}

function csvOf(r: AuditRecord): string {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  // The log holds text that callers wrote: every text cell is made spreadsheet-safe.
  return csvRow(
    [
      r.id,
      r.at.toISOString(),
      r.actor,
      r.action,
      r.entity,
      r.entityId,
      r.requestId,
      json(r.before),
      json(r.after),
    ],
    safeCsvField,
  );
}

/** GET /api/audit (admins: `audit.read`). */
export function addAuditRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/audit',
    summary:
      'The audit log: who did what and when, with the entity before and after; filters, paging, CSV and NDJSON export',
    tags: ['audit'],
    permission: 'audit.read',
    query: AuditQuery,
    responses: {
      200: {
        description:
          'JSON: a page, newest first, `next` the cursor of the following one (also in the Link header). ' +
          'CSV or NDJSON: every matching record, newest first',
        content: {
          'application/json': {
            schema: z
              .object({ entries: z.array(AuditEntrySchema), next: z.string().nullable() })
              .openapi('AuditPage'),
          },
          'text/csv': { schema: z.string() },
          'application/x-ndjson': { schema: z.string() },
        },
      },
    },
    handler: async ({ query }, req, res) => {
      if (query.from && query.to && query.to.getTime() <= query.from.getTime()) {
        throw new ValidationError('Invalid query parameters: to', [
          { field: 'to', message: `must be after from, got ${query.to.toISOString()}` },
        ]);
      }
      const filter: AuditFilter = {
        actors: query.actor,
        actions: query.action,
        entity: query.entity,
        entityId: query.entityId,
        from: query.from,
        to: query.to,
      };
      res.set('Cache-Control', 'no-store');
      if (query.format === 'json') {
        const limit = query.limit ?? 100;
        if (limit > MAX_PAGE) {
          throw new ValidationError('Invalid query parameters: limit', [
            {
              field: 'limit',
              message: `a JSON page holds at most ${MAX_PAGE} records, got ${limit}; export with format=csv or ndjson`,
            },
          ]);
        }
        const rows = await queryAudit(db, filter, limit + 1, query.cursor);
        const page = rows.slice(0, limit);
        const next = rows.length > limit ? String(page[page.length - 1]!.id) : null;
        if (next) {
          const url = new URL(req.originalUrl, 'http://x');
          url.searchParams.set('cursor', next);
          res.set('Link', `<${url.pathname}${url.search}>; rel="next"`);
        }
        res.json({ entries: page.map(entryDto), next });
        return;
      }
      // The first page is read before the headers go out, so a failing query is still a problem
      // answer rather than a cut-off file.
      let remaining = query.limit ?? Number.POSITIVE_INFINITY;
      let rows = await queryAudit(db, filter, Math.min(EXPORT_PAGE, remaining), query.cursor);
      const csv = query.format === 'csv';
      res
        .type(csv ? 'text/csv' : 'application/x-ndjson')
        .set('Content-Disposition', `attachment; filename="atalaya-audit.${csv ? 'csv' : 'ndjson'}"`);
      if (csv && !(await writeChunk(res, `${CSV_COLUMNS.join(',')}\r\n`))) return;
      while (rows.length > 0) {
        const text = rows.map((r) => (csv ? csvOf(r) : `${JSON.stringify(entryDto(r))}\n`)).join('');
        if (!(await writeChunk(res, text))) return;
        remaining -= rows.length;
        if (rows.length < EXPORT_PAGE || remaining <= 0) break;
        rows = await queryAudit(db, filter, Math.min(EXPORT_PAGE, remaining), rows[rows.length - 1]!.id);
      }
      res.end();
    },
  });
}
