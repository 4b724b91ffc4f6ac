/**
 * Manage API tokens on the configured database (DATABASE_URL or the embedded var/db).
 *   npm run token -- create --name gateway-cotopaxi --role operator
 *   npm run token -- list
 *   npm run token -- revoke --id 3
 * The secret is printed once, on create, and stored only as its SHA-256.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { openDatabase } from '../server/db/open-database.js';
import { createToken, revokeToken } from '../server/db/token-store.js';
import { appendAudit } from '../server/db/audit-store.js';
import { ROLES, type Role } from '../server/domain/types.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, role: { type: 'string' }, id: { type: 'string' } },
});
const command = positionals[0];

function fail(message: string): never {
  console.error(`token: ${message}`);
  process.exit(2);
}

const config = loadConfig();
const db = await openDatabase(config);
try {
  await migrate(db);
  if (command === 'create') {
    const name = values.name ?? fail('--name is required');
    const role = (values.role ?? fail('--role is required')) as Role;
    if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}; got ${JSON.stringify(role)}`);
    const token = await db.transaction(async (tx) => {
      const t = await createToken(tx, name, role);
      await appendAudit(tx, {
        actor: 'cli',
        action: 'token.create',
        entity: 'api_token',
        entityId: String(t.id),
        after: { name, role, revokedAt: null },
      });
      return t;
    });
    console.log(
      `Created token ${token.id} "${token.name}" with role ${token.role}. Keep the secret; it is not shown again:`,
    );
    console.log(token.secret);
  } else if (command === 'list') {
    const rows = await db.query(
      'SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id',
    );
    console.table(rows);
  } else if (command === 'revoke') {
    const id = Number(values.id ?? fail('--id is required'));
    if (!Number.isInteger(id)) fail(`--id must be an integer; got ${JSON.stringify(values.id)}`);
    const n = await db.transaction(async (tx) => {
      const after = await revokeToken(tx, id);
      if (after)
        await appendAudit(tx, {
          actor: 'cli',
          action: 'token.revoke',
          entity: 'api_token',
          entityId: String(id),
          before: { name: after.name, role: after.role, revokedAt: null },
          after: { name: after.name, role: after.role, revokedAt: after.revokedAt?.toISOString() },
        });
      return after ? 1 : 0;
    });
    console.log(n ? `Revoked token ${id}.` : `No live token ${id}.`);
  } else {
    fail(
      'usage: npm run token -- create --name NAME --role viewer|operator|analyst|admin | list | revoke --id N',
    );
  }
} finally {
  await db.close();
}
