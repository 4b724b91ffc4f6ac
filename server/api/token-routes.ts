/**
 * API tokens over HTTP, for admins: list them (never a secret or hash), create one (its secret is in
 * this answer and nowhere else, ever), revoke one. Creation and revocation are audited with the
 * token's name and role before and after; the secret never reaches the log.
 */
import { appendAudit } from '../db/audit-store.js';
import type { Database } from '../db/database.js';
import {
  countLiveTokens,
  createToken,
  findTokenInfo,
  listTokens,
  revokeToken,
  type TokenInfo,
} from '../db/token-store.js';
import { ROLES } from '../domain/types.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { readJsonBody } from './json-body.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

const TokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'Updated at most once a minute' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const NewToken = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\p{L}\p{N} ._@:-]+$/u, 'may hold letters, digits, spaces and . _ @ : -')
      .openapi({ example: 'gateway-cotopaxi' }),
    role: z.enum(ROLES),
  })
  .strict()
  .openapi('NewApiToken');

const IdParams = z
  .object({ id: z.coerce.number().int().positive().openapi({ type: 'integer', example: 3 }) })
  .strict();

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

function tokenDto(t: TokenInfo): z.infer<typeof TokenSchema> {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** GET /api/tokens, POST /api/tokens, DELETE /api/tokens/:id (admins: `tokens.manage`). */
export function addTokenRoutes(api: ApiRoutes, db: Database): void {
  api.add({
    method: 'get',
    path: '/api/tokens',
    summary: 'Every API token, live and revoked (names, roles, dates; never a secret)',
    tags: ['auth'],
    permission: 'tokens.manage',
    query: z.object({}).strict(),
    responses: { 200: json(z.object({ tokens: z.array(TokenSchema) }), 'The tokens, by id') },
    handler: async (_input, _req, res) => {
      res.set('Cache-Control', 'no-store').json({ tokens: (await listTokens(db)).map(tokenDto) });
    },
  });

  api.add({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create a token; its secret is in this answer only and cannot be shown again',
    tags: ['auth'],
    permission: 'tokens.manage',
    query: z.object({}).strict(),
    requestBody: json(NewToken, 'Name and role'),
    responses: {
      201: json(
        TokenSchema.extend({
          secret: z.string().openapi({ description: 'atl_…; stored only as its SHA-256' }),
        }).openapi('CreatedApiToken'),
        'Created',
      ),
    },
    handler: async (_input, req, res) => {
      const body = await readJsonBody(req, NewToken);
      const created = await db.transaction(async (tx) => {
        const token = await createToken(tx, body.name, body.role);
        await appendAudit(tx, {
          actor: req.principal.name,
          action: 'token.create',
          entity: 'api_token',
          entityId: String(token.id),
          after: { name: token.name, role: token.role, revokedAt: null },
          requestId: req.id,
        });
        return { info: (await findTokenInfo(tx, token.id))!, secret: token.secret };
      });
      res
        .status(201)
        .set('Cache-Control', 'no-store')
        .location(`/api/tokens/${created.info.id}`)
        .json({ ...tokenDto(created.info), secret: created.secret });
    },
  });

  api.add({
    method: 'delete',
    path: '/api/tokens/:id',
    summary: 'Revoke a token: it stops working at once (the last admin token cannot be revoked here)',
    tags: ['auth'],
    permission: 'tokens.manage',
    params: IdParams,
    query: z.object({}).strict(),
    responses: {
      200: json(TokenSchema, 'Revoked: the token after'),
      404: { description: 'No such token' },
      409: { description: 'Already revoked, or the last live admin token' },
    },
    handler: async ({ params }, req, res) => {
      const revoked = await db.transaction(async (tx) => {
        const before = await findTokenInfo(tx, params.id);
        if (!before) throw new NotFoundError(`No token ${params.id}`);
        if (before.revokedAt) {
          throw new ConflictError(`Token ${params.id} was revoked at ${before.revokedAt.toISOString()}`);
        }
        if (before.role === 'admin' && (await countLiveTokens(tx, 'admin')) <= 1) {
          throw new ConflictError(
            `Token ${params.id} is the last live admin token; create another admin first (or use npm run token)`,
          );
        }
        const after = (await revokeToken(tx, params.id))!;
        await appendAudit(tx, {
          actor: req.principal.name,
          action: 'token.revoke',
          entity: 'api_token',
          entityId: String(params.id),
          before: { name: before.name, role: before.role, revokedAt: null },
          after: { name: after.name, role: after.role, revokedAt: after.revokedAt?.toISOString() },
          requestId: req.id,
        });
        return after;
      });
      res.json(tokenDto(revoked));
    },
  });
}
