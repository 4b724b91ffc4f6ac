/**
 * The whole application as server/main.ts builds it — alert service, coverage service (on a small flat
 * synthetic terrain, so no DEM store is needed), every route — on the shared test database, listening
 * on a free loopback port. The role-matrix, fuzz and hardening suites run against it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertService } from '../../../server/alerts/alert-service.js';
import { createApp } from '../../../server/app.js';
import type { RouteSummary } from '../../../server/api/route-registry.js';
import { defaultSecurity, type SecurityConfig } from '../../../server/config.js';
import { memoryTerrain } from '../../../server/coverage/coverage-grid.js';
import { CoverageService } from '../../../server/coverage/coverage-service.js';
import type { Database } from '../../../server/db/database.js';
import { createLogger } from '../../../server/logger.js';
import { degreeDem } from '../../coverage/synthetic-dem.js';
import { testDatabase } from '../../setup/test-database.js';

export interface FullApp {
  url: string;
  db: Database;
  /** Every route the app registered through ApiRoutes. */
  routes: readonly RouteSummary[];
  coverage: CoverageService;
  close(): Promise<void>;
}

/** A 60 × 60 flat 3″ grid in the Amazon (Pastaza), away from the other suites' fixtures. */
const terrain = () =>
  memoryTerrain([{ name: 'flat-3s', dem: degreeDem(60, 60, 1 / 1200, -76.6, -1.9, () => 300) }]);

export async function startFullApp(
  options: { publicReads?: boolean; security?: Partial<SecurityConfig> } = {},
): Promise<FullApp> {
  const db = await testDatabase();
  const log = createLogger('silent');
  const alerts = new AlertService({
    db,
    log,
    rulesFile: null,
    tickEveryMs: 0,
    snapshotEveryMs: 3_600_000,
  });
  await alerts.start();
  const coverage = new CoverageService(db, {
    terrain: terrain(),
    cameraSyncIntervalMs: 0,
    demandMaxAgeMs: 0,
  });
  const app = createApp({
    db,
    log,
    publicReads: options.publicReads ?? true,
    alerts,
    coverage,
    security: { ...defaultSecurity(), ...options.security },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    routes: app.locals['apiRoutes'] as readonly RouteSummary[],
    coverage,
    close: async () => {
      alerts.stream.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await alerts.stop();
      coverage.close();
    },
  };
}
