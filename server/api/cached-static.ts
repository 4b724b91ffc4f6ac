/**
 * Static files served from memory: the offline basemap and terrain tiles, which are most of what a map
 * asks for. express.static opens, stats, reads and closes the file on every request — four system
 * calls and a stream per tile, about an eighth of the server's thread under the load test's mix — while
 * the tiles only change when `npm run build-terrain` rebuilds them. Here a file is read once and its
 * bytes answered from memory with the headers express.static would send (Content-Type by extension,
 * Cache-Control, Last-Modified, its weak ETag from size and mtime, Accept-Ranges); it is checked
 * against the disk again (one stat) after `revalidateMs`. Everything else — other methods, ranges,
 * preconditions, odd paths, large or missing files — goes to express.static itself.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import express, { type RequestHandler, type Response } from 'express';

export interface CachedStaticOptions {
  /** Cache-Control max-age, ms (as express.static's maxAge). */
  maxAgeMs: number;
  /** The most bytes kept in memory, least recently used out first. Default 128 MiB. */
  maxBytes?: number;
  /** Larger files are always streamed by express.static, bytes. Default 4 MiB. */
  maxFileBytes?: number;
  /** A kept file is compared with the disk again after this long, ms. Default 60 s. */
  revalidateMs?: number;
  clock?: () => number;
}

interface Entry {
  body: Buffer;
  size: number;
  mtimeMs: number;
  etag: string;
  lastModified: string;
  checkedAt: number;
}

/** Express middleware serving `root` (mount it where express.static would be mounted). */
export function cachedStatic(root: string, options: CachedStaticOptions): RequestHandler {
  const fallback = express.static(root, { maxAge: options.maxAgeMs, fallthrough: false });
  const maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
  const maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
  const revalidateMs = options.revalidateMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  const cacheControl = `public, max-age=${Math.floor(options.maxAgeMs / 1000)}`;
  const base = path.resolve(root);
  const entries = new Map<string, Entry>();
  let bytes = 0;

  const forget = (key: string) => {
    const old = entries.get(key);
    if (!old) return;
    entries.delete(key);
    bytes -= old.size;
  };
  const keep = (key: string, entry: Entry) => {
    forget(key);
    entries.set(key, entry);
    bytes += entry.size;
    for (const [k] of entries) {
      if (bytes <= maxBytes) break;
      forget(k);
    }
  };

  /** The file's entry, read again only if it changed on disk; null for what express.static should answer. */
  async function load(key: string, file: string, old: Entry | undefined): Promise<Entry | null> {
    const s = await stat(file).catch(() => null);
    if (!s || !s.isFile() || s.size > maxFileBytes) {
      forget(key);
      return null;
    }
    const now = clock();
    if (old && old.size === s.size && old.mtimeMs === s.mtimeMs) {
      old.checkedAt = now;
      return old;
    }
    const body = await readFile(file);
    const entry: Entry = {
      body,
      size: body.length,
      mtimeMs: s.mtimeMs,
      // The etag package's weak validator for a file: size and mtime in hex.
      etag: `W/"${s.size.toString(16)}-${s.mtime.getTime().toString(16)}"`,
      lastModified: s.mtime.toUTCString(),
      checkedAt: now,
    };
    keep(key, entry);
    return entry;
  }

  function send(res: Response, key: string, entry: Entry, head: boolean): void {
    // Most recently used last, for the eviction order.
    entries.delete(key);
    entries.set(key, entry);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('Last-Modified', entry.lastModified);
    res.setHeader('ETag', entry.etag);
    // As express.static: a 304 carries no content headers.
    if (res.req.fresh) {
      res.status(304).end();
      return;
    }
    if (!res.getHeader('Content-Type')) res.type(path.extname(key) || 'application/octet-stream');
    res.setHeader('Content-Length', entry.size);
    res.status(200).end(head ? undefined : entry.body);
  }

  return (req, res, next) => {
    const head = req.method === 'HEAD';
    if (
      (req.method !== 'GET' && !head) ||
      req.headers.range ||
      req.headers['if-match'] ||
      req.headers['if-unmodified-since']
    ) {
      fallback(req, res, next);
      return;
    }
    let key: string;
    try {
      key = decodeURIComponent(req.path);
    } catch {
      fallback(req, res, next);
      return;
    }
    // Dot segments, dotfiles and NUL are express.static's to refuse.
    if (key.includes('\0') || key.split('/').some((seg) => seg.startsWith('.'))) {
      fallback(req, res, next);
      return;
    }
    const file = path.join(base, key);
    if (!file.startsWith(base + path.sep)) {
      fallback(req, res, next);
      return;
    }
    const hit = entries.get(key);
    if (hit && clock() - hit.checkedAt < revalidateMs) {
      send(res, key, hit, head);
      return;
    }
    load(key, file, hit).then(
      (entry) => (entry ? send(res, key, entry, head) : fallback(req, res, next)),
      () => fallback(req, res, next),
    );
  };
}
