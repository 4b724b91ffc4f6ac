/**
 * GET /metrics: the Prometheus text format (server/ops/metrics.ts), outside /api and the OpenAPI
 * document like every exporter's. Who may read it: server/ops/metrics-access.ts.
 */
import type { Express } from 'express';
import type { Database } from '../db/database.js';
import { authorizeScrape, type MetricsAccess } from '../ops/metrics-access.js';
import type { AtalayaMetrics } from '../ops/metrics.js';

export function addMetricsRoute(
  app: Express,
  options: { metrics: AtalayaMetrics; access: MetricsAccess; db: Database },
): void {
  app.get('/metrics', async (req, res) => {
    await authorizeScrape(req, options.access, options.db);
    const text = await options.metrics.scrape();
    res.set('Cache-Control', 'no-store').type(options.metrics.contentType).send(text);
  });
}
