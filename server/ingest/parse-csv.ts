import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import { checkRecord, unknownColumnMessage } from './check-record.js';
import { decodeText, type IngestSource } from './decode-text.js';
import {
  DEFAULT_LIMITS,
  IngestFormatError,
  type IngestLimits,
  type ParsedRow,
  type RowIssue,
} from './ingest-errors.js';
import type { RecordSpec } from './record-schemas.js';

/**
 * Parse CSV into rows of `spec`, streaming. The first line is the header: column names as in
 * data/samples/README.md, in any order, matched after trimming and lower-casing. The delimiter is a
 * comma, or a semicolon or tab when the header has one of those and no comma (Spanish-locale
 * spreadsheets export with semicolons). UTF-8 only, BOM dropped, LF or CRLF, RFC 4180 quoting,
 * blank lines and rows of empty cells skipped. A row's line is where it starts, so a quoted field
 * with line breaks does not shift it.
 *
 * A row with the wrong number of fields or bad values is reported and the next row is read. A bad
 * header (an unknown, duplicate or missing required column), broken quoting or a record longer
 * than `maxRecordChars` ends the input: csv-parse cannot resynchronise after a quote error.
 *
 * @throws IngestFormatError (from the iterator): `header`, `structure`, `encoding` or `too_large`.
 * @example for await (const row of parseCsv(fs.createReadStream('cameras.csv'), recordSpec('cameras'))) …
 */
export async function* parseCsv<T>(
  source: IngestSource,
  spec: RecordSpec<T>,
  limits: Partial<IngestLimits> = {},
): AsyncGenerator<ParsedRow<T>> {
  const { maxRecordChars, maxColumns } = { ...DEFAULT_LIMITS, ...limits };
  const text = decodeText(source)[Symbol.asyncIterator]();
  const head: string[] = [];
  let headText = '';
  while (!headText.includes('\n') && headText.length <= maxRecordChars) {
    const next = await text.next();
    if (next.done) break;
    head.push(next.value);
    headText += next.value;
  }
  // Follows quotes alongside csv-parse, which reports an unclosed quote only at the end of input.
  const quotes = new QuoteTracker();
  const replay = async function* () {
    try {
      for (const piece of head) yield quotes.see(piece);
      for (let next = await text.next(); !next.done; next = await text.next()) yield quotes.see(next.value);
    } finally {
      await text.return?.(undefined); // closes the source when the consumer stops early
    }
  };

  const parser = parse({
    delimiter: sniffDelimiter(headText.split('\n', 1)[0]!),
    info: true,
    bom: true,
    trim: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: maxRecordChars,
  });
  // Errors from either side surface through the parser's iterator below.
  pipeline(Readable.from(replay()), parser, () => {});

  let header: string[] | null = null;
  // csv-parse counts a CRLF inside a quoted field as two lines; `overcount` undoes that.
  let overcount = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      let counted = 0; // line breaks inside the record as csv-parse counts them
      let crlf = 0;
      for (const field of record) {
        counted += countChar(field, '\r') + countChar(field, '\n');
        crlf += countCrlf(field);
      }
      const line = info.lines - overcount - counted;
      overcount += crlf;
      // Rows of empty cells are spreadsheet residue (csv-parse's own option would lose the count).
      if (record.every((field) => field.trim() === '')) continue;
      if (header === null) {
        header = checkHeader(record, line, spec, maxColumns);
        continue;
      }
      if (record.length !== header.length) {
        yield {
          line,
          errors: [
            { field: null, message: `has ${record.length} fields where the header has ${header.length}` },
          ],
        };
        continue;
      }
      const flat: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) flat[header[i]!] = record[i]!;
      yield { line, ...checkRecord(spec, flat) };
    }
  } catch (error) {
    throw error instanceof CsvError ? fromCsvError(error, overcount, quotes.openedOn) : error;
  }
  if (header === null) {
    throw new IngestFormatError('header', [
      { line: 1, field: null, message: 'is empty: expected a header line' },
    ]);
  }
}

/** The line of the quote still open, following RFC 4180 quoting ("" inside quotes toggles twice). */
class QuoteTracker {
  openedOn = 0;
  private line = 1;
  private open = false;

  see(text: string): string {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.line++;
      else if (c === 0x22) {
        this.open = !this.open;
        if (this.open) this.openedOn = this.line;
      }
    }
    return text;
  }
}

function countChar(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

function countCrlf(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) n++;
  return n;
}

function sniffDelimiter(firstLine: string): string {
  if (firstLine.includes(',')) return ',';
  if (firstLine.includes(';')) return ';';
  if (firstLine.includes('\t')) return '\t';
  return ',';
}

/** The header's column names, or an error naming every column at fault. */
function checkHeader<T>(record: string[], line: number, spec: RecordSpec<T>, maxColumns: number): string[] {
  if (record.length > maxColumns) {
    throw new IngestFormatError('too_large', [
      {
        line,
        field: null,
        message: `the header has ${record.length} columns, more than the limit of ${maxColumns}`,
      },
    ]);
  }
  const names = record.map((name) => name.trim().toLowerCase());
  const issues: RowIssue[] = [];
  names.forEach((name, i) => {
    if (name === '') issues.push({ line, field: `column ${i + 1}`, message: 'has no name in the header' });
    else if (names.indexOf(name) !== i)
      issues.push({ line, field: name, message: 'appears twice in the header' });
    else if (!spec.columns.some((c) => c.name === name))
      issues.push({ line, field: name, message: unknownColumnMessage(spec, name) });
  });
  for (const column of spec.columns) {
    if (column.required && !names.includes(column.name)) {
      issues.push({
        line,
        field: column.name,
        message: 'is a required column and is missing from the header',
      });
    }
  }
  if (issues.length > 0) throw new IngestFormatError('header', issues);
  return names;
}

function fromCsvError(error: CsvError, overcount: number, openQuoteLine: number): IngestFormatError {
  const code = error.code === 'CSV_MAX_RECORD_SIZE' ? 'too_large' : 'structure';
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new IngestFormatError(
      code,
      [
        {
          line: openQuoteLine,
          field: null,
          message: 'cannot be read as CSV: a quote opened on this line is never closed',
        },
      ],
      { cause: error },
    );
  }
  const line = ((error as CsvError & { lines?: number }).lines ?? 1) - overcount;
  // csv-parse's messages start with a title and end with "at line N", which the issue carries.
  const message = error.message.replace(/\s*at line \d+\.?/, '').replace(/^[^:]+:\s*/, '');
  return new IngestFormatError(code, [{ line, field: null, message: `cannot be read as CSV: ${message}` }], {
    cause: error,
  });
}
