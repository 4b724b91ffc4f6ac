/**
 * Reading a JSON request body, the one way every JSON route does it (none of them sits behind a body
 * parser: ingest streams its bodies). Each refusal is a problem naming the body: 413 over the size
 * limit, 415 for another content type, 400 for bytes that are not UTF-8, text that is not JSON, JSON
 * nested deeper than MAX_JSON_DEPTH or holding a NUL character (PostgreSQL text cannot store one).
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from './validate.js';

/** Default largest JSON body, bytes (ATALAYA_MAX_JSON_BYTES overrides it per app). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects accepted: rules and siting requests need 5 or so. */
export const MAX_JSON_DEPTH = 32;

declare module 'express-serve-static-core' {
  interface Request {
    /** Largest JSON body this app reads, bytes (set by server/api/security.ts). */
    maxJsonBytes?: number;
  }
}

/** Media types JSON routes accept: application/json and application/*+json (merge-patch, geo). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i.test(contentType.trim());
}

/**
 * Reads and validates a JSON body. An empty body is `undefined` (so optional bodies may be left out).
 *
 * @throws ValidationError 413, 415 or 400 as described above, or 400 naming each bad field.
 */
export async function readJsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  return parseOrThrow(schema, await readJsonValue(req), 'body');
}

/** The body parsed as JSON, unvalidated: `undefined` when empty. */
export async function readJsonValue(req: Request): Promise<unknown> {
  const type = req.get('content-type');
  if (type !== undefined && !isJsonMediaType(type)) {
    throw new ValidationError(
      `The body must be application/json, got ${type}`,
      [{ field: 'Content-Type', message: `must be application/json, got ${type}` }],
      { status: 415 },
    );
  }
  const limit = req.maxJsonBytes ?? MAX_JSON_BODY_BYTES;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw bodyTooLarge(limit);
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).trim();
  } catch {
    throw new ValidationError('The body is not UTF-8', [{ field: 'body', message: 'is not valid UTF-8' }]);
  }
  if (text === '') return undefined;
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new ValidationError(`The body nests deeper than ${MAX_JSON_DEPTH} levels`, [
      { field: 'body', message: `nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`The body is not JSON: ${message}`, [{ field: 'body', message }]);
  }
  const nul = pathOfNul(value, '');
  if (nul !== null) {
    throw new ValidationError(`The body holds a NUL character at ${nul || '(root)'}`, [
      { field: nul || 'body', message: 'must not contain the NUL character (\\u0000)' },
    ]);
  }
  return value;
}

/** 413 naming the limit. */
export function bodyTooLarge(limit: number): ValidationError {
  return new ValidationError(
    `The body exceeds ${limit} bytes`,
    [{ field: 'body', message: `exceeds ${limit} bytes` }],
    { status: 413 },
  );
}

/**
 * The deepest nesting of `[` and `{` in JSON text, brackets inside strings ignored. Checked before
 * JSON.parse so that recursive code further on (merge patches, validation) never meets a structure
 * deep enough to overflow the stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Dotted path of the first string or key holding U+0000, or null. Depth is already bounded. */
function pathOfNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = pathOfNul(item, here);
    if (found !== null) return found;
  }
  return null;
}
