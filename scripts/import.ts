/**
 * npm run import -- <cameras|incidents|readings> <file> [--mode skip-invalid] [--url http://host:8080 --token atl_…]
 *
 * Without --url it writes to the configured database (DATABASE_URL, or the embedded var/db when
 * no server holds it); with --url it streams the file to a running server's API. Either way the
 * same ingest module validates the rows, and the exit code is 0 only when the batch was committed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { detectFormat } from '../server/ingest/format-detect.js';
import { describeIssue } from '../server/ingest/ingest-errors.js';
import { INGEST_KINDS, type IngestKind } from '../server/ingest/record-schemas.js';
import { runImport, type ImportResult } from '../server/ingest/run-import.js';
import { IMPORT_MODES, type ImportMode } from '../server/ingest/validate-batch.js';
import { loadReferenceData } from '../server/seed/load-reference.js';

const CONTENT_TYPES = {
  csv: 'text/csv',
  geojson: 'application/geo+json',
  ndjson: 'application/x-ndjson',
} as const;

function usage(message: string): never {
  console.error(`import: ${message}`);
  console.error(
    'usage: npm run import -- <cameras|incidents|readings> <file> [--mode all-or-nothing|skip-invalid] [--url URL --token TOKEN]',
  );
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { mode: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
});
const [kind, file] = positionals as [string | undefined, string | undefined];
if (!kind || !INGEST_KINDS.includes(kind as IngestKind))
  usage(`the kind must be one of ${INGEST_KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
if (!file) usage('a file is required');
const mode = (values.mode ?? 'all-or-nothing') as ImportMode;
if (!IMPORT_MODES.includes(mode))
  usage(`--mode must be one of ${IMPORT_MODES.join(', ')}; got ${JSON.stringify(values.mode)}`);
await stat(file).catch(() => usage(`cannot read ${file}`));
const format = (() => {
  try {
    return detectFormat({ fileName: file });
  } catch (error) {
    return usage((error as Error).message);
  }
})();

function print(result: ImportResult): void {
  for (const issue of result.rejected) console.error(`${file}: ${describeIssue(issue)}`);
  if (result.omittedIssues > 0) console.error(`… and ${result.omittedIssues} more issues`);
  const s = result.stored;
  console.log(
    result.committed
      ? `${kind}: ${result.rows} rows read, ${s!.inserted} inserted, ${s!.updated} updated, ${s!.unchanged} unchanged, ` +
          `${s!.conflicting} conflicting (kept the stored row), ${result.rejectedRows} rejected`
      : `${kind}: nothing written (${result.fatal ?? `${result.rejectedRows} of ${result.rows} rows invalid`})`,
  );
}

let exitCode = 0;
if (values.url) {
  const res = await fetch(new URL(`/api/${kind}?mode=${mode}`, values.url), {
    method: 'POST',
    headers: {
      'Content-Type': CONTENT_TYPES[format],
      ...(values.token ? { Authorization: `Bearer ${values.token}` } : {}),
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as ImportResult & {
    detail?: string;
    errors?: { line: number; field: string; message: string }[];
  };
  if (res.ok) print(body);
  else {
    for (const e of body.errors ?? [])
      console.error(`${file}: line ${e.line}, field ${e.field}: ${e.message}`);
    console.error(`import: ${res.status} ${body.detail ?? ''}`);
    exitCode = 1;
  }
} else {
  const config = loadConfig();
  const db = await openDatabase(config).catch((error: unknown) => usage((error as Error).message));
  try {
    await migrate(db);
    await loadReferenceData(db, config.referenceDir);
    const result = await runImport(db, createReadStream(file), {
      kind: kind as IngestKind,
      format,
      mode,
      actor: 'cli',
    });
    print(result);
    exitCode = result.committed ? 0 : 1;
  } finally {
    await db.close();
  }
}
process.exit(exitCode);
