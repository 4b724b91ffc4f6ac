import { countNewlines } from './decode-text.js';
import { IngestFormatError, type IngestLimits } from './ingest-errors.js';

/** One element of the streamed array, as text, or a note that it was too long to keep. */
export type JsonItem =
  | { line: number; index: number | undefined; text: string }
  | { line: number; index: number | undefined; tooLong: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;

/**
 * Splits a JSON document into items without holding the whole of it: the elements of a top-level
 * array, or of a top-level object's "features" array (a FeatureCollection); any other top-level
 * object is one item. Feed text with {@link push}, then call {@link end}.
 *
 * The scanner only tracks strings and bracket nesting to find where each element starts and ends;
 * every element, and the envelope around "features" (with the array emptied), is then checked by
 * JSON.parse, so syntax is judged by the platform's parser and not by this one. An element longer
 * than `maxRecordChars` is skipped and reported (the nesting stays known, so the rest is still
 * read); broken nesting, an unterminated string or an envelope over `maxEnvelopeChars` is fatal.
 */
export class JsonItemScanner {
  private readonly limits: IngestLimits;
  private line = 1;
  private mode: 'start' | 'array' | 'object' | 'done' = 'start';
  private readonly stack: number[] = [];
  private inString = false;
  private escape = false;

  // The array whose elements are items, when inside it: its nesting depth.
  private itemDepth = -1;
  private itemStart = -1; // index in the current chunk, -1 before the element's first character
  private itemParts: string[] = [];
  private itemLength = 0;
  private itemLine = 0;
  private itemTooLong = false;
  private itemCount = 0;
  private pendingComma = false;

  // The top-level object, minus the contents of its "features" array.
  private envelopeStart = -1;
  private envelopeParts: string[] = [];
  private envelopeLength = 0;
  private envelopeLine = 1;
  private featuresStreamed = false;
  private expectKey = false;
  private keyStart = -1;
  private keyParts: string[] = [];
  private lastKey: string | null = null;
  private valueKey: string | null = null;

  private out: JsonItem[] = [];

  constructor(limits: IngestLimits) {
    this.limits = limits;
  }

  /** Scan the next piece of text; returns the items completed in it. */
  push(chunk: string): JsonItem[] {
    this.out = [];
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyStart >= 0) this.finishKey(chunk, i);
        }
        continue;
      }
      if (c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09) continue;

      if (this.mode === 'start') {
        this.begin(c, i);
        continue;
      }
      if (this.mode === 'done')
        this.fail('structure', 'unexpected content after the end of the JSON document');

      const depth = this.stack.length;
      if (this.itemDepth === depth) {
        if (c === COMMA) {
          this.finishItem(chunk, i, false);
          this.pendingComma = true;
          continue;
        }
        if (c === CLOSE_BRACKET) {
          this.finishItem(chunk, i, true);
          this.stack.pop();
          this.itemDepth = -1;
          if (this.mode === 'array') this.mode = 'done';
          else this.envelopeStart = i; // resume the envelope at the closing bracket
          continue;
        }
        if (this.itemStart < 0 && !this.itemTooLong && this.itemLength === 0) {
          this.itemStart = i;
          this.itemLine = this.line;
        }
      }

      const atEnvelope = this.mode === 'object' && depth === 1;
      if (atEnvelope && this.valueKey !== null) {
        const key = this.valueKey;
        this.valueKey = null;
        if (key === 'features' && c === OPEN_BRACKET) {
          if (this.featuresStreamed) this.fail('structure', 'has a second "features" member');
          this.featuresStreamed = true;
          this.stack.push(c);
          this.cutEnvelope(chunk, i + 1);
          this.itemDepth = 2;
          continue;
        }
      }

      if (c === QUOTE) {
        this.inString = true;
        if (atEnvelope && this.expectKey) {
          this.keyStart = i + 1;
          this.expectKey = false;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.stack.push(c);
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        const open = this.stack.pop();
        if (open !== (c === CLOSE_BRACE ? OPEN_BRACE : OPEN_BRACKET)) {
          this.fail('structure', `has a "${String.fromCharCode(c)}" that closes nothing open`);
        }
        if (this.stack.length === 0) this.closeEnvelope(chunk, i);
      } else if (atEnvelope && c === COLON) {
        this.valueKey = this.lastKey;
      } else if (atEnvelope && c === COMMA) {
        this.expectKey = true;
      }
    }
    this.carryOver(chunk);
    return this.out;
  }

  /** No more text: returns the last items, or throws if the document is incomplete. */
  end(): JsonItem[] {
    this.out = [];
    if (this.mode === 'start') this.fail('structure', 'is empty: expected a JSON object or array');
    if (this.inString || this.stack.length > 0) {
      this.fail(
        'structure',
        `ends early: ${this.inString ? 'a string is' : `${this.stack.length} bracket(s) are`} still open`,
      );
    }
    if (this.mode === 'done' && this.envelopeParts.length > 0) this.finishEnvelope();
    return this.out;
  }

  private begin(c: number, i: number): void {
    if (c === OPEN_BRACKET) {
      this.mode = 'array';
      this.stack.push(c);
      this.itemDepth = 1;
    } else if (c === OPEN_BRACE) {
      this.mode = 'object';
      this.stack.push(c);
      this.envelopeStart = i;
      this.envelopeLine = this.line;
      this.expectKey = true;
    } else {
      this.fail('structure', `must be a JSON object or array, found "${String.fromCharCode(c)}"`);
    }
  }

  private finishItem(chunk: string, i: number, closing: boolean): void {
    const started = this.itemStart >= 0 || this.itemLength > 0 || this.itemTooLong;
    if (!started) {
      // "[]" is an empty batch; "[," "[1,,2]" and "[1,]" are not JSON.
      if (!closing || this.pendingComma)
        this.fail('structure', 'has an empty array element (a stray comma?)');
      return;
    }
    const position = this.itemCount++;
    if (this.itemTooLong) {
      this.out.push({ line: this.itemLine, index: position, tooLong: this.limits.maxRecordChars });
    } else {
      this.itemParts.push(chunk.slice(this.itemStart, i));
      const text = this.itemParts.join('');
      if (text.length > this.limits.maxRecordChars) {
        this.out.push({ line: this.itemLine, index: position, tooLong: this.limits.maxRecordChars });
      } else {
        this.out.push({ line: this.itemLine, index: position, text });
      }
    }
    this.itemStart = -1;
    this.itemParts = [];
    this.itemLength = 0;
    this.itemTooLong = false;
    this.pendingComma = false;
  }

  private finishKey(chunk: string, quoteAt: number): void {
    this.keyParts.push(chunk.slice(this.keyStart, quoteAt));
    const raw = this.keyParts.join('');
    this.keyStart = -1;
    this.keyParts = [];
    try {
      this.lastKey = JSON.parse(`"${raw}"`) as string;
    } catch {
      this.lastKey = raw; // JSON.parse of the envelope will report it
    }
  }

  // Keep the envelope up to and including the "[" of "features"; what follows are items.
  private cutEnvelope(chunk: string, end: number): void {
    this.appendEnvelope(chunk.slice(this.envelopeStart, end));
    this.envelopeStart = -1;
  }

  private closeEnvelope(chunk: string, i: number): void {
    this.mode = 'done';
    if (this.envelopeStart >= 0) {
      this.appendEnvelope(chunk.slice(this.envelopeStart, i + 1));
      this.envelopeStart = -1;
    }
  }

  private appendEnvelope(text: string): void {
    this.envelopeLength += text.length;
    if (this.envelopeLength > this.limits.maxEnvelopeChars) {
      this.fail(
        'too_large',
        `has more than ${this.limits.maxEnvelopeChars} characters outside its "features" array`,
      );
    }
    this.envelopeParts.push(text);
  }

  private carryOver(chunk: string): void {
    if (this.keyStart >= 0) {
      this.keyParts.push(chunk.slice(this.keyStart));
      this.keyStart = 0;
    }
    if (this.envelopeStart >= 0) {
      this.appendEnvelope(chunk.slice(this.envelopeStart));
      this.envelopeStart = 0;
    }
    if (this.itemStart >= 0) {
      const piece = chunk.length - this.itemStart;
      this.itemLength += piece;
      if (this.itemLength > this.limits.maxRecordChars) {
        this.itemTooLong = true;
        this.itemParts = [];
      } else {
        this.itemParts.push(chunk.slice(this.itemStart));
      }
      // In the next chunk the element continues from its first character (or is being skipped).
      this.itemStart = this.itemTooLong ? -1 : 0;
    }
  }

  private finishEnvelope(): void {
    const text = this.envelopeParts.join('');
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      // Positions map to lines only when nothing was cut out of the text.
      const line = this.featuresStreamed ? this.envelopeLine : this.envelopeLine + linesBefore(text, error);
      this.fail('structure', `is not valid JSON: ${(error as Error).message}`, line);
    }
    const type = (envelope as { type?: unknown }).type;
    if (this.featuresStreamed) {
      if (type !== 'FeatureCollection') {
        this.fail(
          'structure',
          `has a "features" array, so its "type" must be "FeatureCollection", got ${JSON.stringify(type)}`,
          this.envelopeLine,
        );
      }
    } else if (type === 'FeatureCollection') {
      this.fail('structure', 'is a FeatureCollection without a "features" array', this.envelopeLine);
    } else {
      this.out.push({ line: this.envelopeLine, index: undefined, text });
    }
  }

  private fail(code: 'structure' | 'too_large', message: string, line = this.line): never {
    throw new IngestFormatError(code, [{ line, field: null, message: `the JSON document ${message}` }]);
  }
}

/** The line, relative to the text's first, of the position a JSON.parse error names. */
export function linesBefore(text: string, error: unknown): number {
  const position = /position (\d+)/.exec(String((error as Error)?.message));
  return position ? countNewlines(text.slice(0, Number(position[1]))) : 0;
}
