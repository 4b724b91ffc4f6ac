import { PERMISSIONS, ROLE_PERMISSIONS } from '../auth/roles.js';
import { ROLES } from '../domain/types.js';
import type { ApiRoutes } from './route-registry.js';
import { z } from './schemas.js';

export const Session = z
  .object({
    name: z.string().openapi({ description: 'Token name, or `anonymous`' }),
    role: z.enum(ROLES).nullable(),
    permissions: z.array(z.enum(PERMISSIONS)),
    publicReads: z.boolean().openapi({ description: 'Whether anonymous callers may read' }),
  })
  .openapi('Session');

/**
 * GET /api/session: who the bearer token belongs to and what it may do, so the client can sign in
 * with a token and hide the actions its role cannot take. The server still checks every write.
 */
export function addSessionRoutes(api: ApiRoutes, publicReads: boolean): void {
  api.add({
    method: 'get',
    path: '/api/session',
    summary: 'The caller: token name, role and permissions',
    tags: ['auth'],
    // Answered for anonymous callers too (role null), even when reads need a token: the sign-in
    // screen must be able to ask.
    permission: 'none',
    query: z.object({}).strict(),
    responses: { 200: { description: 'The caller', content: { 'application/json': { schema: Session } } } },
    handler: (_input, req, res) => {
      const { name, role } = req.principal;
      const permissions = role ? [...ROLE_PERMISSIONS[role]] : publicReads ? (['read'] as const).slice() : [];
      const body: z.infer<typeof Session> = { name, role, permissions, publicReads };
      res.set('Cache-Control', 'no-store').json(body);
    },
  });
}
