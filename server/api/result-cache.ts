/**
 * Response bodies computed once and served many times: the routes whose answer depends only on the
 * query and on a version of the data behind it (the newest incident, the cameras' fingerprint) or on
 * reference data that changes only between starts. Each body carries a strong ETag (SHA-1 of the body,
 * computed once), so a client revalidating with If-None-Match gets a 304 without the body, and express
 * does not hash the body again on every request.
 */
import { createHash } from 'node:crypto';

export interface CachedBody {
  /** UTF-8 bytes, encoded once: sending a string would encode it again on every request. */
  body: Buffer;
  /** Strong validator, quoted: `"<sha1 base64url>"`. */
  etag: string;
}

/** A body with its ETag. */
export function cachedBody(text: string): CachedBody {
  const body = Buffer.from(text, 'utf8');
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** The size of a cached body, for ResultCache's `maxWeight`: bytes (UTF-16 code units for a string). */
export const bodyWeight = (v: CachedBody | string): number => (typeof v === 'string' ? v : v.body).length;

export interface ResultCacheOptions<T> {
  /** Entries kept, least recently used out first. */
  capacity: number;
  /** An entry is recomputed after this long even if its key still matches, ms. */
  ttlMs: number;
  /** With `weigh`: the most the resolved entries may weigh together (a memory bound). */
  maxWeight?: number;
  weigh?: (value: T) => number;
  /** Epoch ms. */
  clock?: () => number;
}

interface Entry<T> {
  at: number;
  value: Promise<T>;
  /** Known once the value resolves. */
  weight: number;
}

/**
 * A small LRU of computed values with a time to live and an optional weight bound. Concurrent requests
 * for the same key share one computation; a failed computation is not cached.
 */
export class ResultCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private weight = 0;
  private readonly capacity: number;
  private readonly ttlMs: number;
  private readonly maxWeight: number;
  private readonly weigh: ((value: T) => number) | undefined;
  private readonly clock: () => number;

  constructor(options: ResultCacheOptions<T>) {
    const { capacity, ttlMs } = options;
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    if (!(ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
    this.capacity = capacity;
    this.ttlMs = ttlMs;
    this.maxWeight = options.maxWeight ?? Infinity;
    this.weigh = options.weigh;
    this.clock = options.clock ?? Date.now;
  }

  /** Entries held now (in flight included). */
  get size(): number {
    return this.entries.size;
  }

  /** What the resolved entries weigh together. */
  get totalWeight(): number {
    return this.weight;
  }

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) {
      // Re-insert to mark it as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    if (hit) this.remove(key, hit);
    const value = compute();
    const entry: Entry<T> = { at: now, value, weight: 0 };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (this.entries.get(key) !== entry || !this.weigh) return;
        entry.weight = this.weigh(v);
        this.weight += entry.weight;
        this.evict();
      },
      () => {
        // Only this entry: a newer one under the same key must survive an older failure.
        if (this.entries.get(key) === entry) this.remove(key, entry);
      },
    );
    this.evict();
    return value;
  }

  private remove(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity && this.weight <= this.maxWeight) return;
      this.remove(key, entry);
    }
  }
}
