import { appendAudit } from '../db/audit-store.js';
import type { Database, Queryable } from '../db/database.js';
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  requeueDead,
  type WebhookInfo,
} from '../db/webhook-store.js';
import { SEVERITIES } from '../domain/types.js';
import { NotFoundError } from '../errors.js';
import { readJsonBody } from './alert-routes.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

const NewWebhook = z
  .object({
    name: z.string().min(1).max(100),
    url: z.url({ protocol: /^https?$/ }).max(2000),
    secret: z
      .string()
      .min(16)
      .max(200)
      .openapi({ description: 'HMAC-SHA256 key; bodies are signed in X-Atalaya-Signature' }),
    states: z
      .array(z.enum(['pending', 'firing', 'resolved', 'inactive', 'error']))
      .min(1)
      .default(['firing', 'resolved']),
    severities: z.array(z.enum(SEVERITIES)).min(1).nullable().default(null),
  })
  .strict()
  .openapi('NewWebhook');

const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ type: 'integer' }) });

/** One webhook as listed (no secret), or null: what the audit log records as `before`. */
async function findWebhook(tx: Queryable, id: number): Promise<WebhookInfo | null> {
  return (await listWebhooks(tx)).find((w) => w.id === id) ?? null;
}

/** Webhook subscriptions (admins): outbound traffic happens only to URLs registered here. */
export function addWebhookRoutes(api: ApiRoutes, db: Database, wake: () => void): void {
  api.add({
    method: 'get',
    path: '/api/webhooks',
    summary: 'Webhook subscriptions and their delivery counts (secrets are never shown)',
    tags: ['alerts'],
    permission: 'tokens.manage',
    query: z.object({}).strict(),
    responses: { 200: { description: 'Webhooks' } },
    handler: async (_input, _req, res) => {
      res.json({ webhooks: await listWebhooks(db) });
    },
  });
  api.add({
    method: 'post',
    path: '/api/webhooks',
    summary: 'Register a webhook for alert transitions',
    tags: ['alerts'],
    permission: 'tokens.manage',
    query: z.object({}).strict(),
    requestBody: { content: { 'application/json': { schema: NewWebhook } } },
    responses: { 201: { description: 'Created' } },
    handler: async (_input, req, res) => {
      const body = await readJsonBody(req, NewWebhook);
      const id = await db.transaction(async (tx) => {
        const created = await createWebhook(tx, body);
        await appendAudit(tx, {
          actor: req.principal.name,
          action: 'webhook.create',
          entity: 'webhook',
          entityId: String(created),
          after: { ...body, secret: '(hidden)' },
          requestId: req.id,
        });
        return created;
      });
      res.status(201).json({ id });
    },
  });
  api.add({
    method: 'delete',
    path: '/api/webhooks/:id',
    summary: 'Remove a webhook and its queued deliveries',
    tags: ['alerts'],
    permission: 'tokens.manage',
    params: IdParam,
    query: z.object({}).strict(),
    responses: { 204: { description: 'Removed' }, 404: { description: 'No such webhook' } },
    handler: async ({ params }, req, res) => {
      const removed = await db.transaction(async (tx) => {
        const before = await findWebhook(tx, params.id);
        const ok = before !== null && (await deleteWebhook(tx, params.id));
        if (ok)
          await appendAudit(tx, {
            actor: req.principal.name,
            action: 'webhook.delete',
            entity: 'webhook',
            entityId: String(params.id),
            before,
            requestId: req.id,
          });
        return ok;
      });
      if (!removed) throw new NotFoundError(`No webhook ${params.id}`);
      res.status(204).end();
    },
  });
  api.add({
    method: 'post',
    path: '/api/webhooks/:id/requeue',
    summary: "Put a webhook's dead deliveries back in the queue",
    tags: ['alerts'],
    permission: 'tokens.manage',
    params: IdParam,
    query: z.object({}).strict(),
    responses: {
      200: { description: 'How many were requeued' },
      404: { description: 'No such webhook' },
    },
    handler: async ({ params }, req, res) => {
      const n = await db.transaction(async (tx) => {
        const before = await findWebhook(tx, params.id);
        if (!before) throw new NotFoundError(`No webhook ${params.id}`);
        const count = await requeueDead(tx, params.id);
        // Requeuing nothing changes nothing, and is not recorded.
        if (count > 0)
          await appendAudit(tx, {
            actor: req.principal.name,
            action: 'webhook.requeue',
            entity: 'webhook',
            entityId: String(params.id),
            before: { pending: before.pending, dead: before.dead },
            after: { pending: before.pending + count, dead: before.dead - count, requeued: count },
            requestId: req.id,
          });
        return count;
      });
      if (n > 0) wake();
      res.json({ requeued: n });
    },
  });
}
