import type { Request } from 'express';
import type { Permission } from '../auth/roles.js';
import type { Database } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { detectFormat } from '../ingest/format-detect.js';
import { IngestFormatError } from '../ingest/ingest-errors.js';
import type { IngestKind } from '../ingest/record-schemas.js';
import { runImport, type ImportRequest, type ImportResult } from '../ingest/run-import.js';
import { IMPORT_MODES } from '../ingest/validate-batch.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

/** Largest upload accepted in one request (a month of one-minute readings for 40 cameras is ~150 MB of CSV). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

const ImportQuery = z
  .object({
    mode: z
      .enum(IMPORT_MODES)
      .default('all-or-nothing')
      .openapi({ description: 'all-or-nothing (default) or skip-invalid' }),
  })
  .strict();

const ImportResponse = z
  .object({
    kind: z.enum(['cameras', 'incidents', 'readings']),
    mode: z.enum(IMPORT_MODES),
    committed: z.boolean(),
    rows: z.number().int(),
    validRows: z.number().int(),
    rejectedRows: z.number().int(),
    stored: z
      .object({
        received: z.number().int(),
        inserted: z.number().int(),
        updated: z.number().int(),
        unchanged: z.number().int(),
        conflicting: z.number().int(),
      })
      .nullable(),
    rejected: z.array(
      z.object({
        line: z.number().int(),
        index: z.number().int().optional(),
        field: z.string().nullable(),
        message: z.string(),
      }),
    ),
    omittedIssues: z.number().int(),
    fatal: z.string().nullable(),
  })
  .openapi('ImportResult');

const ROUTES: { kind: IngestKind; permission: Permission; summary: string; types: string[] }[] = [
  {
    kind: 'cameras',
    permission: 'cameras.write',
    summary: 'Import cameras (CSV or GeoJSON), upserted by external id',
    types: ['text/csv', 'application/geo+json'],
  },
  {
    kind: 'incidents',
    permission: 'incidents.write',
    summary: 'Import incidents (CSV or GeoJSON), keyed by external id',
    types: ['text/csv', 'application/geo+json'],
  },
  {
    kind: 'readings',
    permission: 'readings.write',
    summary: 'Import thermal readings (NDJSON, CSV or JSON), keyed by camera and instant',
    types: ['application/x-ndjson', 'text/csv', 'application/json'],
  },
];

/** Counts bytes as they stream in and stops a body larger than the limit. */
async function* limited(req: Request, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new IngestFormatError('too_large', [
        { line: 0, field: null, message: `the body exceeds ${maxBytes} bytes` },
      ]);
    }
    yield chunk;
  }
}

const FATAL_STATUS: Record<string, 400 | 413 | 415> = { unsupported_format: 415, too_large: 413 };

/** POST /api/cameras, /api/incidents, /api/readings: one item or a batch, streamed. */
export function addIngestRoutes(
  api: ApiRoutes,
  db: Database,
  onCommitted?: ImportRequest['onCommitted'],
): void {
  for (const route of ROUTES) {
    api.add({
      method: 'post',
      path: `/api/${route.kind}`,
      summary: route.summary,
      tags: ['ingest'],
      permission: route.permission,
      query: ImportQuery,
      streamsBody: true,
      requestBody: {
        description:
          'One item or a batch; large bodies are streamed, not buffered. Formats: data/samples/README.md',
        content: Object.fromEntries(route.types.map((t) => [t, { schema: z.string() }])),
      },
      responses: {
        200: {
          description: 'Committed; `stored` says what happened to each row (repeats are `unchanged`)',
          content: { 'application/json': { schema: ImportResponse } },
        },
        413: { description: 'The body is too large' },
        415: { description: 'Unsupported content type' },
        422: {
          description:
            'Rows were invalid; nothing was written (all-or-nothing). `errors` name line and field',
        },
      },
      handler: async ({ query }, req, res) => {
        let format;
        try {
          format = detectFormat({ contentType: req.get('content-type') ?? null });
        } catch (error) {
          if (error instanceof IngestFormatError) {
            throw new ValidationError(error.message, [{ field: 'Content-Type', message: error.message }], {
              status: 415,
            });
          }
          throw error;
        }
        const result: ImportResult = await runImport(db, limited(req, MAX_UPLOAD_BYTES), {
          kind: route.kind,
          format,
          mode: query.mode,
          actor: req.principal.name,
          requestId: req.id,
          ...(onCommitted ? { onCommitted } : {}),
        });
        if (result.committed) {
          res.status(200).json(result);
          return;
        }
        const status = result.fatal ? (FATAL_STATUS[result.fatal] ?? 400) : 422;
        const issues = result.rejected.map((r) => ({
          line: r.line,
          field: r.field ?? '(row)',
          message: r.message,
        }));
        const first = issues[0];
        const summary = result.fatal
          ? `The ${route.kind} input could not be read (${result.fatal})`
          : `${result.rejectedRows} of ${result.rows} ${route.kind} rows are invalid; nothing was written`;
        throw new ValidationError(
          first ? `${summary}: line ${first.line}, ${first.field}: ${first.message}` : summary,
          issues,
          { status },
        );
      },
    });
  }
}
