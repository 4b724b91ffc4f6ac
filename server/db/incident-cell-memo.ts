/**
 * H3 cells of incidents remembered by incident id, per resolution, for the density aggregates
 * (density-queries.ts). latLngToCell costs ~2 µs per point on this project's 2-core machine — a city
 * over 30 days at resolution 8 is ~30,000 incidents, 60 ms of the server's only thread for one map
 * view — while a remembered cell is one Map lookup. An incident's position never changes (rows are
 * inserted, a repeat is refused as conflicting, deletes take the id with them and ids are never
 * reused), so a cell found once stays right. The count is exactly what latLngToCell per point gives:
 * no parent-of-a-finer-cell shortcut, which differs near cell edges (H3 children do not tile their
 * parent exactly).
 */
import { latLngToCell } from 'h3-js';

/** ~72 bytes an entry (a Map slot and a 15-character string): 600,000 entries ≈ 43 MB. */
const DEFAULT_MAX_ENTRIES = 600_000;

export class IncidentCellMemo {
  private readonly byRes = new Map<number, Map<number, string>>();
  private entries = 0;

  /** @param maxEntries cells kept over all resolutions; past it the memo starts again empty */
  constructor(private readonly maxEntries: number = DEFAULT_MAX_ENTRIES) {
    if (!(Number.isInteger(maxEntries) && maxEntries > 0))
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  /** Cells remembered now, over all resolutions. */
  get size(): number {
    return this.entries;
  }

  /**
   * Adds one to `counts` for each incident's cell at resolution `res`: positions [lng, lat] in degrees,
   * `ids` the incidents' database ids.
   */
  count(
    ids: ArrayLike<number>,
    lngs: ArrayLike<number>,
    lats: ArrayLike<number>,
    res: number,
    counts: Map<string, number> = new Map(),
  ): Map<string, number> {
    if (!Number.isInteger(res) || res < 0 || res > 15) throw new Error(`Invalid H3 resolution: ${res}`);
    if (ids.length !== lngs.length || lngs.length !== lats.length) {
      throw new Error(
        `Ids, longitudes and latitudes differ in length: ${ids.length}, ${lngs.length}, ${lats.length}`,
      );
    }
    let memo = this.memo(res);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let cell = memo.get(id);
      if (cell === undefined) {
        cell = latLngToCell(lats[i]!, lngs[i]!, res);
        if (this.entries >= this.maxEntries) {
          this.byRes.clear();
          this.entries = 0;
          memo = this.memo(res);
        }
        memo.set(id, cell);
        this.entries++;
      }
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    return counts;
  }

  private memo(res: number): Map<number, string> {
    let memo = this.byRes.get(res);
    if (!memo) this.byRes.set(res, (memo = new Map()));
    return memo;
  }
}

/**
 * Splits packed incidents (big-endian int8 id, float8 longitude, float8 latitude, repeated) into
 * three arrays; ids fit a double exactly below 2^53.
 */
export function unpackIdPositions(bytes: Uint8Array): {
  ids: Float64Array;
  lngs: Float64Array;
  lats: Float64Array;
} {
  if (bytes.byteLength % 24 !== 0) {
    throw new Error(`Packed incidents must be a multiple of 24 bytes, got ${bytes.byteLength}`);
  }
  const count = bytes.byteLength / 24;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ids = new Float64Array(count);
  const lngs = new Float64Array(count);
  const lats = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    ids[i] = Number(view.getBigInt64(i * 24, false));
    lngs[i] = view.getFloat64(i * 24 + 8, false);
    lats[i] = view.getFloat64(i * 24 + 16, false);
  }
  return { ids, lngs, lats };
}
