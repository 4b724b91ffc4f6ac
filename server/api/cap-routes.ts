import { atomFeed, capFeedEntry } from '../alerts/atom-feed.js';
import type { Database } from '../db/database.js';
import { latestCapXml, recentCapSummaries } from '../db/cap-store.js';
import { NotFoundError } from '../errors.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

/** The absolute origin the caller used, for the feed's links (Atom wants absolute URLs). */
function origin(req: { protocol: string; get(name: string): string | undefined }): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** GET /api/cap/alerts.atom and GET /api/cap/alerts/:id.xml (CAP 1.2). */
export function addCapRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/cap/alerts.atom',
    summary: 'Atom feed of the latest CAP 1.2 messages (firing alerts and their cancellations)',
    tags: ['alerts'],
    permission: 'read',
    query: z
      .object({ limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ type: 'integer' }) })
      .strict(),
    responses: {
      200: { description: 'Atom 1.0', content: { 'application/atom+xml': { schema: z.string() } } },
    },
    handler: async ({ query }, req, res) => {
      const base = origin(req);
      const summaries = await recentCapSummaries(db, query.limit);
      const entries = summaries.map((s) => capFeedEntry(s, `${base}/api/cap/alerts/${s.alertId}.xml`));
      res.type('application/atom+xml').send(
        atomFeed(entries, {
          selfUrl: `${base}/api/cap/alerts.atom`,
          alternateUrl: `${base}/`,
          emptyUpdatedAt: Date.now(),
        }),
      );
    },
  });
  api.add({
    method: 'get',
    path: '/api/cap/alerts/:file',
    summary: "An alert's latest CAP 1.2 message (`<id>.xml`)",
    tags: ['alerts'],
    permission: 'read',
    params: z.object({ file: z.string().regex(/^\d{1,15}\.xml$/, 'must be <alert id>.xml') }),
    query: z.object({}).strict(),
    responses: {
      200: { description: 'CAP 1.2 XML', content: { 'application/cap+xml': { schema: z.string() } } },
    },
    handler: async ({ params }, _req, res) => {
      const id = Number(params.file.slice(0, -4));
      const xml = await latestCapXml(db, id);
      if (!xml) throw new NotFoundError(`No CAP message for alert ${id}`);
      res.type('application/cap+xml').send(xml);
    },
  });
}
