import type { Database } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

const DemoDataset = z
  .object({
    synthetic: z.literal(true),
    size: z.enum(['slice', 'full']),
    seed: z.string(),
    endAt: z.string(),
    loadedAt: z.string(),
    counts: z.object({ cameras: z.number().int(), incidents: z.number().int(), readings: z.number().int() }),
    groundTruth: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Injected surges and unrest episodes, assumed weights' }),
  })
  .openapi('DemoDataset');

/** GET /api/demo: which synthetic demo set is loaded, and what was injected into it. */
export function addDemoRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/demo',
    summary: 'The SYNTHETIC demo data set that is loaded (none: 404), with its ground truth',
    tags: ['demo'],
    permission: 'read',
    query: z.object({}).strict(),
    responses: {
      200: { description: 'The loaded demo set', content: { 'application/json': { schema: DemoDataset } } },
    },
    handler: async (_input, _req, res) => {
      const rows = await db.query<{
        size: 'slice' | 'full';
        seed: string;
        end_at: Date;
        loaded_at: Date;
        counts: z.infer<typeof DemoDataset>['counts'];
        ground_truth: Record<string, unknown>;
      }>('SELECT size, seed, end_at, loaded_at, counts, ground_truth FROM demo_datasets');
      const r = rows[0];
      if (!r) throw new NotFoundError('No demo data set is loaded');
      res.json({
        synthetic: true,
        size: r.size,
        seed: r.seed,
        endAt: r.end_at.toISOString(),
        loadedAt: r.loaded_at.toISOString(),
        counts: r.counts,
        groundTruth: r.ground_truth,
      });
    },
  });
}
