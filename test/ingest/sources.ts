import fs from 'node:fs';
import path from 'node:path';

/** Small helpers shared by the ingest tests: where the files are, and how to feed them. */

export const FIXTURES = path.resolve('test/fixtures/ingest');
export const SAMPLES = path.resolve('data/samples');

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

export function sampleText(name: string): string {
  return fs.readFileSync(path.join(SAMPLES, name), 'utf8');
}

/** The bytes of `text` cut into pieces of `size` bytes — cuts fall inside multi-byte characters. */
export function byteChunks(text: string | Uint8Array, size: number): Uint8Array[] {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs `fn` and returns what it threw (or fails the test if nothing was thrown). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Rows reduced to what a report names: line, field and (when asked) message. */
export function placesOf(issues: { line: number; index?: number; field: string | null }[]) {
  return issues.map(({ line, index, field }) =>
    index === undefined ? { line, field } : { line, index, field },
  );
}
