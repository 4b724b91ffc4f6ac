import { describe, expect, it } from 'vitest';
import {
  cameraIdsByExternalId,
  stageCameras,
  stageIncidents,
  stageReadings,
  type ReadingRow,
} from '../../../server/db/ingest-store.js';
import { csvLine } from '../../../server/db/copy-csv.js';
import type { Camera, Incident } from '../../../server/domain/types.js';
import { testDatabase } from '../../setup/test-database.js';

const prefix = `T${process.pid}-`;

function camera(n: number, overrides: Partial<Camera> = {}): Camera {
  return {
    externalId: `${prefix}CAM-${n}`,
    name: `Test camera ${n}`,
    kind: 'dome',
    status: 'online',
    position: [-78.4678 + n * 0.001, -0.1807],
    mountHeightM: 8,
    azimuthDeg: 90,
    hfovDeg: 360,
    vfovDeg: 60,
    tiltDeg: -10,
    rangeM: 250,
    resolutionHPx: 1920,
    resolutionVPx: 1080,
    installDate: '2024-03-01',
    unitCostUsd: 3516.8,
    volcanoGvp: null,
    synthetic: false,
    ...overrides,
  };
}

describe('csvLine', () => {
  it('quotes strings, leaves NULL empty and doubles embedded quotes', () => {
    expect(csvLine(['a "b", c', null, 3.5, true, undefined, ''])).toBe('"a ""b"", c",,3.5,t,,""\n');
  });
  it('refuses NaN and infinities rather than writing them', () => {
    expect(() => csvLine([Number.NaN])).toThrow('non-finite');
  });
});

describe('staged bulk writes', () => {
  it('inserts new cameras, leaves identical repeats alone and updates changed ones', async () => {
    const db = await testDatabase();
    const batch = [camera(1), camera(2)];
    const write = (cams: Camera[]) =>
      db.transaction(async (tx) => {
        const staged = await stageCameras(tx);
        await staged.append(cams);
        return staged.merge();
      });
    expect(await write(batch)).toEqual({
      received: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      conflicting: 0,
    });
    expect(await write(batch)).toEqual({
      received: 2,
      inserted: 0,
      updated: 0,
      unchanged: 2,
      conflicting: 0,
    });
    expect(await write([camera(1), camera(2, { status: 'offline' })])).toEqual({
      received: 2,
      inserted: 0,
      updated: 1,
      unchanged: 1,
      conflicting: 0,
    });
    const [row] = await db.query<{ status: string; cost: number; lon: number }>(
      'SELECT status, unit_cost_usd AS cost, ST_X(geom) AS lon FROM cameras WHERE external_id = $1',
      [`${prefix}CAM-2`],
    );
    expect(row).toEqual({ status: 'offline', cost: 3516.8, lon: -78.4658 });
  });

  // Small batches go in as one INSERT, large ones by COPY: both must count the same.
  describe.each([
    ['one INSERT (small batches)', undefined, 'A'],
    ['COPY (large batches)', 0, 'B'],
  ] as const)('readings written by %s', (_how, smallBatchRows, tag) => {
    it('keys readings by camera and instant: a repeated batch changes nothing and says so', async () => {
      const db = await testDatabase();
      const ids = await cameraIdsByExternalId(db, [`${prefix}CAM-1`, 'no-such-camera']);
      expect([...ids.keys()]).toEqual([`${prefix}CAM-1`]);
      const cameraId = ids.get(`${prefix}CAM-1`)!;
      const day = tag === 'A' ? '01' : '02';
      const readings: ReadingRow[] = [0, 1, 2].map((m) => ({
        cameraId,
        ts: `2026-11-${day}T10:0${m}:00Z`,
        maxTempC: 4 + m,
        meanTempC: 1.5,
        quality: 'ok',
        synthetic: false,
      }));
      const write = (rows: ReadingRow[]) =>
        db.transaction(async (tx) => {
          const staged = await stageReadings(tx, smallBatchRows);
          await staged.append(rows.slice(0, 1));
          await staged.append(rows.slice(1));
          return staged.merge();
        });
      expect(await write(readings)).toEqual({
        received: 3,
        inserted: 3,
        updated: 0,
        unchanged: 0,
        conflicting: 0,
      });
      expect(await write(readings)).toEqual({
        received: 3,
        inserted: 0,
        updated: 0,
        unchanged: 3,
        conflicting: 0,
      });
      // The same instant written with another value, in another zone: the stored value is kept.
      const changed = [{ ...readings[0]!, ts: `2026-11-${day}T05:00:00-05:00`, maxTempC: 99 }];
      expect(await write(changed)).toEqual({
        received: 1,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        conflicting: 1,
      });
      const stored = await db.query<{ max: number }>(
        `SELECT max_temp_c AS max FROM thermal_readings WHERE camera_id = $1 AND ts::date = '2026-11-${day}' ORDER BY ts`,
        [cameraId],
      );
      expect(stored.map((s) => s.max)).toEqual([4, 5, 6]);
    });

    it('counts a key repeated inside one batch once as inserted, then as unchanged or conflicting', async () => {
      const db = await testDatabase();
      const cameraId = (await cameraIdsByExternalId(db, [`${prefix}CAM-1`])).get(`${prefix}CAM-1`)!;
      const at = (m: number) => `2026-11-0${tag === 'A' ? 3 : 4}T10:0${m}:00Z`;
      const reading = (m: number, maxTempC: number): ReadingRow => ({
        cameraId,
        ts: at(m),
        maxTempC,
        meanTempC: null,
        quality: 'ok',
        synthetic: false,
      });
      const counts = await db.transaction(async (tx) => {
        const staged = await stageReadings(tx, smallBatchRows);
        // Minute 0 twice with the same value, minute 1 twice with another, minute 2 once.
        await staged.append([reading(0, 7), reading(1, 8), reading(0, 7), reading(1, 80), reading(2, 9)]);
        return staged.merge();
      });
      expect(counts).toEqual({ received: 5, inserted: 3, updated: 0, unchanged: 1, conflicting: 1 });
      const stored = await db.query<{ max: number }>(
        'SELECT max_temp_c AS max FROM thermal_readings WHERE camera_id = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts',
        [cameraId, at(0), at(2)],
      );
      expect(stored.map((s) => s.max)).toEqual([7, 8, 9]);
    });
  });

  it('writes incidents by external id with their point geometry', async () => {
    const db = await testDatabase();
    const incident: Incident = {
      externalId: `${prefix}INC-1`,
      category: 'fire',
      priority: 2,
      occurredAt: '2026-11-02T18:30:00-05:00',
      position: [-79.8862, -2.1894],
      description: 'Incendio de maleza, "cerro"',
      synthetic: false,
    };
    const write = (rows: Incident[]) =>
      db.transaction(async (tx) => {
        const staged = await stageIncidents(tx);
        await staged.append(rows);
        return staged.merge();
      });
    expect(await write([incident])).toMatchObject({ inserted: 1, unchanged: 0 });
    expect(await write([incident])).toMatchObject({ inserted: 0, unchanged: 1, conflicting: 0 });
    const [row] = await db.query<{ at: Date; lon: number; lat: number; description: string }>(
      'SELECT occurred_at AS at, ST_X(geom) AS lon, ST_Y(geom) AS lat, description FROM incidents WHERE external_id = $1',
      [incident.externalId],
    );
    expect(row).toEqual({
      at: new Date('2026-11-02T23:30:00Z'),
      lon: -79.8862,
      lat: -2.1894,
      description: incident.description,
    });
  });

  it('leaves nothing behind when the transaction fails after staging and merging', async () => {
    const db = await testDatabase();
    await expect(
      db.transaction(async (tx) => {
        const staged = await stageCameras(tx);
        await staged.append([camera(50), camera(51)]);
        await staged.merge();
        throw new Error('crash after merge, before commit');
      }),
    ).rejects.toThrow('crash after merge');
    expect(await cameraIdsByExternalId(db, [`${prefix}CAM-50`, `${prefix}CAM-51`])).toEqual(new Map());
  });

  it('rejects a whole batch when one row breaks a constraint', async () => {
    const db = await testDatabase();
    await expect(
      db.transaction(async (tx) => {
        const staged = await stageCameras(tx);
        await staged.append([camera(60), camera(61, { rangeM: -5 })]);
        return staged.merge();
      }),
    ).rejects.toThrow();
    expect(await cameraIdsByExternalId(db, [`${prefix}CAM-60`])).toEqual(new Map());
  });
});
