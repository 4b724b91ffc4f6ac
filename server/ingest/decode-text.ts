import { IngestFormatError } from './ingest-errors.js';

/** What the parsers read: a Node Readable, a web ReadableStream, or any (async) iterable of chunks. */
export type IngestSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * The source as text: UTF-8 decoded across chunk boundaries, a leading byte order mark dropped.
 * Bytes that are not UTF-8 stop the import with an `encoding` error naming the line — Spanish
 * spreadsheets are often saved as Windows-1252, and guessing would store "Ca�ar" for "Cañar".
 */
export async function* decodeText(source: IngestSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  let line = 1;
  const emit = (text: string): string => {
    const out = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (text.length > 0) first = false;
    line += countNewlines(out);
    return out;
  };
  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch (cause) {
        throw encodingError(line + linesBeforeBadByte(chunk), cause);
      }
    }
    if (text.length > 0) yield emit(text);
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch (cause) {
    throw encodingError(line, cause);
  }
  if (tail.length > 0) yield emit(tail);
}

function encodingError(line: number, cause: unknown): IngestFormatError {
  return new IngestFormatError(
    'encoding',
    [
      {
        line,
        field: null,
        message:
          'is not valid UTF-8 (a spreadsheet saved as Latin-1 or Windows-1252?); save the file as UTF-8',
      },
    ],
    { cause },
  );
}

// Only called on failure: find the first replacement character a lenient decoder produces and
// count the line breaks before it. A chunk that starts mid-character is attributed to its first line.
function linesBeforeBadByte(chunk: Uint8Array): number {
  const lenient = new TextDecoder('utf-8').decode(chunk);
  const bad = lenient.indexOf('\ufffd');
  return countNewlines(bad < 0 ? lenient : lenient.slice(0, bad));
}

export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
