/**
 * Every camera's database id by external id, for resolving a batch of readings. Streaming validation
 * must know every camera before the first row arrives, so the whole network is read — 4,500 rows,
 * which at the national rate (a gateway batch every few tens of ms) cost more than the batch itself.
 * The map is kept per database and reused while the cameras' version (data-versions.ts) is the
 * one it was read under.
 */
import { camerasVersion } from './data-versions.js';
import type { Database, Queryable } from './database.js';

export interface CameraIdMap {
  /** External id → cameras.id. */
  ids: ReadonlyMap<string, number>;
  /** The external ids (the keys of `ids`), for validation. */
  known: ReadonlySet<string>;
}

const cached = new WeakMap<Database, { version: string; map: CameraIdMap }>();

/**
 * The camera ids as `tx` sees them, read again only when the cameras changed.
 * @param db the database the map is kept for
 * @param tx where to read (a transaction on `db`, or `db` itself)
 */
export async function cameraIdMap(db: Database, tx: Queryable): Promise<CameraIdMap> {
  const version = await camerasVersion(tx);
  const hit = cached.get(db);
  if (hit && hit.version === version) return hit.map;
  const rows = await tx.query<{ id: number; external_id: string }>('SELECT id, external_id FROM cameras');
  const ids = new Map(rows.map((r) => [r.external_id, r.id]));
  const map = { ids, known: new Set(ids.keys()) };
  cached.set(db, { version, map });
  return map;
}
