/**
 * The cameras' fingerprint changes with every insert, update and delete, and stays put when a batch
 * changes nothing — what lets the camera collection and the readings' id map be reused safely.
 */
import { describe, expect, it } from 'vitest';
import { camerasVersion } from '../../../server/db/camera-version.js';
import { stageCameras } from '../../../server/db/ingest-store.js';
import type { Database } from '../../../server/db/database.js';
import type { Camera } from '../../../server/domain/types.js';
import { testDatabase } from '../../setup/test-database.js';

const P = `CV${process.pid}-`;

const camera = (externalId: string, status: Camera['status'] = 'online'): Camera => ({
  externalId,
  name: 'Fingerprint test',
  kind: 'dome',
  status,
  position: [-78.5, -0.2],
  mountHeightM: 8,
  azimuthDeg: 0,
  hfovDeg: 90,
  vfovDeg: 50,
  tiltDeg: 0,
  rangeM: 300,
  resolutionHPx: 1920,
  resolutionVPx: 1080,
  installDate: null,
  unitCostUsd: null,
  volcanoGvp: null,
  synthetic: true,
});

async function upsert(db: Database, cameras: Camera[]) {
  return db.transaction(async (tx) => {
    const batch = await stageCameras(tx);
    await batch.append(cameras);
    return batch.merge();
  });
}

describe('camerasVersion', () => {
  it('changes on insert, update and delete, and not on a batch that changes nothing', async () => {
    const db = await testDatabase();
    const v0 = await camerasVersion(db);
    expect(await camerasVersion(db)).toBe(v0);

    expect((await upsert(db, [camera(`${P}a`), camera(`${P}b`)])).inserted).toBe(2);
    const v1 = await camerasVersion(db);
    expect(v1).not.toBe(v0);

    expect((await upsert(db, [camera(`${P}a`), camera(`${P}b`)])).unchanged).toBe(2);
    expect(await camerasVersion(db)).toBe(v1);

    expect((await upsert(db, [camera(`${P}a`, 'offline')])).updated).toBe(1);
    const v2 = await camerasVersion(db);
    expect(v2).not.toBe(v1);

    await db.query('DELETE FROM cameras WHERE external_id = $1', [`${P}b`]);
    const v3 = await camerasVersion(db);
    expect(v3).not.toBe(v2);

    // A delete and an insert in one transaction keep the count: the sum still moves.
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM cameras WHERE external_id = $1', [`${P}a`]);
      const batch = await stageCameras(tx);
      await batch.append([camera(`${P}c`)]);
      await batch.merge();
    });
    expect(await camerasVersion(db)).not.toBe(v3);
    await db.query('DELETE FROM cameras WHERE external_id LIKE $1', [`${P}%`]);
  });
});
