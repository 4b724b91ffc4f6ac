/**
 * The cameras' version changes with every insert, update and delete, and stays put when a batch
 * changes nothing or other tables change — what lets the camera collection and the readings' id map
 * be reused safely.
 */
import { describe, expect, it } from 'vitest';
import { camerasVersion } from '../../../server/db/data-versions.js';
import { stageCameras, stageIncidents, stageReadings } from '../../../server/db/ingest-store.js';
import { one, type Database } from '../../../server/db/database.js';
import type { Camera } from '../../../server/domain/types.js';
import { testCamera } from '../../setup/test-camera.js';
import { testDatabase } from '../../setup/test-database.js';

const P = `CV${process.pid}-`;

const camera = (externalId: string, status: Camera['status'] = 'online'): Camera =>
  testCamera(externalId, { name: 'Fingerprint test', status });

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

describe('camerasVersion, other tables', () => {
  it('stays put when readings and incidents are written, and when a rolled-back change is undone', async () => {
    const db = await testDatabase();
    await upsert(db, [camera(`${P}r`)]);
    const { id } = await one<{ id: number }>(db, 'SELECT id FROM cameras WHERE external_id = $1', [`${P}r`]);
    const v0 = await camerasVersion(db);
    await db.transaction(async (tx) => {
      const readings = await stageReadings(tx);
      await readings.append([
        {
          cameraId: id,
          ts: '2031-04-01T00:00:00Z',
          maxTempC: 20,
          meanTempC: 10,
          quality: 'ok',
          synthetic: true,
        },
      ]);
      await readings.merge();
      const incidents = await stageIncidents(tx);
      await incidents.append([
        {
          externalId: `${P}incident`,
          category: 'fire',
          priority: 2,
          occurredAt: '2031-04-01T00:00:00Z',
          position: [-78.5, -0.2],
          description: null,
          synthetic: true,
        },
      ]);
      await incidents.merge();
    });
    expect(await camerasVersion(db)).toBe(v0);

    // A change seen inside its transaction, then rolled back: the version it showed is never shown
    // again for other rows.
    let inside = '';
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE cameras SET status = $1 WHERE external_id = $2', ['offline', `${P}r`]);
        inside = await camerasVersion(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(inside).not.toBe(v0);
    expect(await camerasVersion(db)).toBe(v0);
    await db.query('UPDATE cameras SET status = $1 WHERE external_id = $2', ['maintenance', `${P}r`]);
    const v1 = await camerasVersion(db);
    expect(v1).not.toBe(v0);
    expect(v1).not.toBe(inside);
    await db.query('DELETE FROM incidents WHERE external_id = $1', [`${P}incident`]);
    await db.query('DELETE FROM cameras WHERE external_id LIKE $1', [`${P}%`]);
  });
});
