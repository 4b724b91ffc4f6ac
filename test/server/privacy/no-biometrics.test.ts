/**
 * Atalaya holds no biometric, face or plate data: no table or column of the migrated schema, and no
 * field, parameter or path of the OpenAPI document, is named for faces, biometrics, licence plates or
 * personal identity documents. Names are split into words (snake_case, camelCase, path segments)
 * so that `surface` or `template` do not trip it while `face_id`, `plateNumber` or `licencePlate` do.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../../server/alerts/alert-service.js';
import { createApp } from '../../../server/app.js';
import { memoryTerrain } from '../../../server/coverage/coverage-grid.js';
import { CoverageService } from '../../../server/coverage/coverage-service.js';
import type { Database } from '../../../server/db/database.js';
import { createLogger } from '../../../server/logger.js';
import { degreeDem } from '../../coverage/synthetic-dem.js';
import { testDatabase } from '../../setup/test-database.js';

/** Words no name may contain: faces, biometrics, vehicle plates, identity documents. */
const FORBIDDEN = new Set([
  'face',
  'faces',
  'facial',
  'biometric',
  'biometrics',
  'fingerprint',
  'fingerprints',
  'iris',
  'retina',
  'gait',
  'voiceprint',
  'plate',
  'plates',
  'anpr',
  'alpr',
  'lpr',
  'licence',
  'license',
  'cedula',
  'passport',
  'dni',
]);

/** The words of a name: `licencePlate` → licence, plate; `face_id` → face, id; `/api/{id}` → api, id. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const forbiddenIn = (names: Iterable<string>) =>
  [...names].filter((n) => nameWords(n).some((w) => FORBIDDEN.has(w)));

let db: Database;
let server: Server;
let openApi: Record<string, unknown>;

beforeAll(async () => {
  db = await testDatabase();
  const log = createLogger('silent');
  const app = createApp({
    db,
    log,
    alerts: new AlertService({ db, log, rulesFile: null, tickEveryMs: 0 }),
    coverage: new CoverageService(db, {
      terrain: memoryTerrain([{ name: 'flat', dem: degreeDem(4, 4, 1 / 1200, -76, -2, () => 0) }]),
    }),
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/openapi.json`);
  openApi = (await res.json()) as Record<string, unknown>;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('the name check', () => {
  it('catches biometric and plate names and lets look-alikes pass', () => {
    expect(
      forbiddenIn(['face_id', 'licencePlate', 'plate_number', 'BiometricTemplate', 'driver_dni']),
    ).toHaveLength(5);
    expect(forbiddenIn(['surface_m2', 'template', 'plateau', 'interface', 'max_temp_c'])).toEqual([]);
  });
});

describe('no biometric, face or plate fields', () => {
  it('in any table or column of the schema', async () => {
    const rows = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const names = rows.flatMap((r) => [r.table_name, r.column_name]);
    // The check sees the real schema, privacy masks included.
    expect(names).toContain('max_temp_c');
    expect(names).toContain('privacy_masks');
    expect(forbiddenIn(new Set(names))).toEqual([]);
  });

  it('in any path, parameter or field of the OpenAPI document', () => {
    const paths = Object.keys(openApi.paths as object);
    expect(paths).toContain('/api/cameras/{id}/privacy-masks');
    const names = new Set<string>(paths);
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.properties && typeof o.properties === 'object')
        for (const k of Object.keys(o.properties)) names.add(k);
      if (Array.isArray(o.required)) for (const k of o.required) names.add(String(k));
      if (typeof o.in === 'string' && typeof o.name === 'string') names.add(o.name);
      Object.values(o).forEach(walk);
    };
    walk(openApi.paths);
    walk(openApi.components);
    expect(names.size).toBeGreaterThan(100);
    expect(forbiddenIn(names)).toEqual([]);
  });
});
