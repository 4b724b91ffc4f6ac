/**
 * Creates the end-to-end run's API tokens in the database at ATALAYA_DATA_DIR before its server
 * starts (the embedded database belongs to one process at a time, so they cannot be added while it
 * runs), and prints them as JSON on the last line: {"viewer":"atl_…","operator":"atl_…",…}.
 * Run by global-setup.ts: `ATALAYA_DATA_DIR=… npx tsx test/e2e/e2e-tokens.ts`.
 */
import { loadConfig } from '../../server/config.js';
import { migrate } from '../../server/db/migrate.js';
import { openDatabase } from '../../server/db/open-database.js';
import { createToken } from '../../server/db/token-store.js';
import type { Role } from '../../server/domain/types.js';

/** The roles the browser tests sign in with; each token is named `e2e-<role>`. */
export const E2E_ROLES = ['viewer', 'operator', 'analyst'] as const satisfies readonly Role[];
export type E2eTokens = Record<(typeof E2E_ROLES)[number], string>;

const config = loadConfig();
const db = await openDatabase(config);
try {
  await migrate(db);
  const tokens = {} as E2eTokens;
  for (const role of E2E_ROLES) tokens[role] = (await createToken(db, `e2e-${role}`, role)).secret;
  console.log(JSON.stringify(tokens));
} finally {
  await db.close();
}
